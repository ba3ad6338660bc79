//! The arguments of `#[metric(...)]`.

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::spanned::Spanned;
use syn::{Expr, ExprArray, ExprCall, Lit, LitStr, UnOp};

#[derive(Default)]
pub struct Args {
    pub name: Option<LitStr>,
    pub labels: Option<Labels>,
    pub buckets: Option<Buckets>,
}

pub struct Labels {
    /// The whole `labels = [...]` argument, for errors about the list as a whole.
    pub span: Span,
    pub names: Vec<LitStr>,
}

pub struct Buckets {
    pub span: Span,
    /// Each bound with the span of the literal (or of the generator call) it came from.
    pub bounds: Vec<(f64, Span)>,
}

const ARGUMENTS: &str = "`name = \"...\"`, `labels = [\"...\"]`, `buckets = [...]`";

pub fn parse(args: TokenStream) -> syn::Result<Args> {
    let mut parsed = Args::default();
    let parser = syn::meta::parser(|meta| {
        let key = meta.path.clone();
        let duplicate = || meta.error("this argument is given twice: keep one");
        if key.is_ident("name") {
            if parsed.name.is_some() {
                return Err(duplicate());
            }
            parsed.name = Some(meta.value()?.parse()?);
        } else if key.is_ident("labels") {
            if parsed.labels.is_some() {
                return Err(duplicate());
            }
            let list: ExprArray = meta.value()?.parse().map_err(|error| {
                syn::Error::new(
                    error.span(),
                    "expected a list of label names: labels = [\"status\"]",
                )
            })?;
            parsed.labels = Some(Labels {
                span: list.span(),
                names: list
                    .elems
                    .iter()
                    .map(label_name)
                    .collect::<syn::Result<_>>()?,
            });
        } else if key.is_ident("buckets") {
            if parsed.buckets.is_some() {
                return Err(duplicate());
            }
            let expr: Expr = meta.value()?.parse()?;
            parsed.buckets = Some(buckets(&expr)?);
        } else if key.is_ident("help") {
            return Err(meta.error(
                "the help text is the doc comment: write `/// What this metric measures.` \
                 above the static instead",
            ));
        } else {
            return Err(meta.error(format!("unknown argument: #[metric] takes {ARGUMENTS}")));
        }
        Ok(())
    });
    parser.parse2(args)?;
    Ok(parsed)
}

fn label_name(expr: &Expr) -> syn::Result<LitStr> {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Str(name) => Ok(name.clone()),
            other => Err(syn::Error::new(
                other.span(),
                "a label name is a string literal: \"status\"",
            )),
        },
        other => Err(syn::Error::new(
            other.span(),
            "a label name is a string literal: \"status\"",
        )),
    }
}

const BUCKETS_FORMS: &str = "buckets are a list of numbers `[0.1, 0.5, 1]`, \
                             `linear(start, width, count)` or `exponential(start, factor, count)`";

fn buckets(expr: &Expr) -> syn::Result<Buckets> {
    match expr {
        Expr::Array(array) => Ok(Buckets {
            span: array.span(),
            bounds: array
                .elems
                .iter()
                .map(|elem| Ok((number(elem)?, elem.span())))
                .collect::<syn::Result<_>>()?,
        }),
        Expr::Call(call) => generated_buckets(call),
        other => Err(syn::Error::new(other.span(), BUCKETS_FORMS)),
    }
}

/// `linear(start, width, count)` and `exponential(start, factor, count)`, computed here so the
/// expansion shows the actual bounds.
fn generated_buckets(call: &ExprCall) -> syn::Result<Buckets> {
    let Expr::Path(function) = &*call.func else {
        return Err(syn::Error::new(call.func.span(), BUCKETS_FORMS));
    };
    let function = function
        .path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default();
    let args: Vec<&Expr> = call.args.iter().collect();
    let [start, step, count] = args[..] else {
        return Err(syn::Error::new(
            call.span(),
            format!("`{function}` takes three arguments: {function}(start, step, count)"),
        ));
    };
    let (start_value, step_value) = (number(start)?, number(step)?);
    let count_value = count_argument(count)?;
    let span = call.span();
    let bounds = match function.as_str() {
        "linear" => {
            if step_value.is_nan() || step_value <= 0.0 {
                return Err(syn::Error::new(
                    step.span(),
                    "the width of linear buckets must be greater than 0",
                ));
            }
            (0..count_value)
                .map(|i| (start_value + step_value * i as f64, span))
                .collect()
        }
        "exponential" => {
            if start_value.is_nan() || start_value <= 0.0 {
                return Err(syn::Error::new(
                    start.span(),
                    "exponential buckets must start above 0",
                ));
            }
            if step_value.is_nan() || step_value <= 1.0 {
                return Err(syn::Error::new(
                    step.span(),
                    "the factor of exponential buckets must be greater than 1",
                ));
            }
            (0..count_value)
                .map(|i| (start_value * step_value.powi(i as i32), span))
                .collect()
        }
        _ => return Err(syn::Error::new(call.func.span(), BUCKETS_FORMS)),
    };
    Ok(Buckets { span, bounds })
}

fn count_argument(expr: &Expr) -> syn::Result<usize> {
    let error = || {
        syn::Error::new(
            expr.span(),
            "the bucket count is a whole number from 1 to 1000",
        )
    };
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Int(int) => match int.base10_parse::<usize>() {
                Ok(count @ 1..=1000) => Ok(count),
                _ => Err(error()),
            },
            _ => Err(error()),
        },
        _ => Err(error()),
    }
}

/// A numeric literal, possibly negated: `5`, `0.25`, `-1e3`.
fn number(expr: &Expr) -> syn::Result<f64> {
    let error = || {
        syn::Error::new(
            expr.span(),
            "expected a number literal such as `0.5` or `10`",
        )
    };
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Float(float) => float.base10_parse(),
            Lit::Int(int) => int.base10_parse::<f64>(),
            _ => Err(error()),
        },
        Expr::Unary(unary) if matches!(unary.op, UnOp::Neg(_)) => Ok(-number(&unary.expr)?),
        Expr::Group(group) => number(&group.expr),
        _ => Err(error()),
    }
}
