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
    pub objectives: Option<Objectives>,
    /// Seconds, and the span of the argument's value.
    pub max_age: Option<(u64, Span)>,
    pub age_buckets: Option<(u32, Span)>,
    /// Seconds, and the span of the argument's value.
    pub expire_after: Option<(u64, Span)>,
    pub states: Option<Labels>,
    pub callback: Option<Expr>,
    pub subsystem: Option<LitStr>,
    pub const_labels: Option<ConstLabels>,
    /// Labels the declaration says are unbounded on purpose (bounded by the series cap).
    pub unbounded_labels: Option<Labels>,
    /// A native histogram's schema, bucket limit and zero threshold, with their spans.
    pub schema: Option<(i8, Span)>,
    pub max_buckets: Option<(u32, Span)>,
    pub zero_threshold: Option<(f64, Span)>,
}

pub struct Objectives {
    pub span: Span,
    /// `(quantile, error)` with the span of each tuple.
    pub pairs: Vec<(f64, f64, Span)>,
}

pub struct ConstLabels {
    pub span: Span,
    pub pairs: Vec<(LitStr, LitStr)>,
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

const ARGUMENTS: &str = "`name = \"...\"`, `labels = [\"...\"]`, `buckets = [...]`, \
                         `objectives = [(0.5, 0.05), ...]`, `max_age = 600`, `age_buckets = 5`, \
                         `expire_after = \"10m\"`, `states = [\"...\"]`, `callback = path`, \
                         `subsystem = \"...\"`, `const_labels = [(\"name\", \"value\")]`, \
                         `unbounded_labels = [\"...\"]`, `schema = 3`, `max_buckets = 160`, \
                         `zero_threshold = 1e-9`";

/// A `key = ["name", ...]` list of label names; `example` shows the form in the error.
fn label_list(meta: &syn::meta::ParseNestedMeta, example: &str) -> syn::Result<Labels> {
    let list: ExprArray = meta.value()?.parse().map_err(|error| {
        syn::Error::new(
            error.span(),
            format!("expected a list of label names: {example}"),
        )
    })?;
    Ok(Labels {
        span: list.span(),
        names: list
            .elems
            .iter()
            .map(label_name)
            .collect::<syn::Result<_>>()?,
    })
}

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
            parsed.labels = Some(label_list(&meta, "labels = [\"status\"]")?);
        } else if key.is_ident("buckets") {
            if parsed.buckets.is_some() {
                return Err(duplicate());
            }
            let expr: Expr = meta.value()?.parse()?;
            parsed.buckets = Some(buckets(&expr)?);
        } else if key.is_ident("objectives") {
            if parsed.objectives.is_some() {
                return Err(duplicate());
            }
            let expr: Expr = meta.value()?.parse()?;
            parsed.objectives = Some(objectives(&expr)?);
        } else if key.is_ident("max_age") {
            if parsed.max_age.is_some() {
                return Err(duplicate());
            }
            let expr: Expr = meta.value()?.parse()?;
            parsed.max_age = Some((duration(&expr, "max_age", "600", "10m")?, expr.span()));
        } else if key.is_ident("expire_after") {
            if parsed.expire_after.is_some() {
                return Err(duplicate());
            }
            let expr: Expr = meta.value()?.parse()?;
            parsed.expire_after =
                Some((duration(&expr, "expire_after", "3600", "30m")?, expr.span()));
        } else if key.is_ident("age_buckets") {
            if parsed.age_buckets.is_some() {
                return Err(duplicate());
            }
            let expr: Expr = meta.value()?.parse()?;
            let error = || {
                syn::Error::new(
                    expr.span(),
                    "`age_buckets` is a whole number from 1 to 60, e.g. `age_buckets = 5`",
                )
            };
            let count = match &expr {
                Expr::Lit(lit) => match &lit.lit {
                    Lit::Int(int) => int.base10_parse::<u32>().map_err(|_| error())?,
                    _ => return Err(error()),
                },
                _ => return Err(error()),
            };
            if !(1..=60).contains(&count) {
                return Err(error());
            }
            parsed.age_buckets = Some((count, expr.span()));
        } else if key.is_ident("schema") {
            if parsed.schema.is_some() {
                return Err(duplicate());
            }
            let expr: Expr = meta.value()?.parse()?;
            let schema = integer(&expr)
                .filter(|schema| (-4..=8).contains(schema))
                .ok_or_else(|| {
                    syn::Error::new(
                        expr.span(),
                        "`schema` is a whole number from -4 to 8 (2^schema buckets per power \
                         of two), e.g. `schema = 3`",
                    )
                })?;
            parsed.schema = Some((schema as i8, expr.span()));
        } else if key.is_ident("max_buckets") {
            if parsed.max_buckets.is_some() {
                return Err(duplicate());
            }
            let expr: Expr = meta.value()?.parse()?;
            let count = integer(&expr)
                .filter(|count| (1..=u32::MAX as i64).contains(count))
                .ok_or_else(|| {
                    syn::Error::new(
                        expr.span(),
                        "`max_buckets` is a whole number of at least 1, e.g. `max_buckets = 160`",
                    )
                })?;
            parsed.max_buckets = Some((count as u32, expr.span()));
        } else if key.is_ident("zero_threshold") {
            if parsed.zero_threshold.is_some() {
                return Err(duplicate());
            }
            let expr: Expr = meta.value()?.parse()?;
            let threshold = number(&expr)
                .ok()
                .filter(|threshold| threshold.is_finite() && *threshold >= 0.0)
                .ok_or_else(|| {
                    syn::Error::new(
                        expr.span(),
                        "`zero_threshold` is a number >= 0, e.g. `zero_threshold = 1e-9`",
                    )
                })?;
            parsed.zero_threshold = Some((threshold, expr.span()));
        } else if key.is_ident("states") {
            if parsed.states.is_some() {
                return Err(duplicate());
            }
            let list: ExprArray = meta.value()?.parse().map_err(|error| {
                syn::Error::new(
                    error.span(),
                    "expected a list of state names: states = [\"idle\", \"busy\"]",
                )
            })?;
            parsed.states = Some(Labels {
                span: list.span(),
                names: list
                    .elems
                    .iter()
                    .map(|elem| string_literal(elem, "a state name is a string literal: \"idle\""))
                    .collect::<syn::Result<_>>()?,
            });
        } else if key.is_ident("callback") {
            if parsed.callback.is_some() {
                return Err(duplicate());
            }
            parsed.callback = Some(meta.value()?.parse()?);
        } else if key.is_ident("subsystem") {
            if parsed.subsystem.is_some() {
                return Err(duplicate());
            }
            parsed.subsystem = Some(meta.value()?.parse()?);
        } else if key.is_ident("const_labels") {
            if parsed.const_labels.is_some() {
                return Err(duplicate());
            }
            let expr: Expr = meta.value()?.parse()?;
            parsed.const_labels = Some(const_labels(&expr)?);
        } else if key.is_ident("unbounded_labels") {
            if parsed.unbounded_labels.is_some() {
                return Err(duplicate());
            }
            parsed.unbounded_labels = Some(label_list(&meta, "unbounded_labels = [\"user_id\"]")?);
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

/// A whole number literal, possibly negative.
fn integer(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Int(int) => int.base10_parse().ok(),
            _ => None,
        },
        Expr::Unary(unary) if matches!(unary.op, UnOp::Neg(_)) => {
            integer(&unary.expr).map(|value| -value)
        }
        _ => None,
    }
}

fn label_name(expr: &Expr) -> syn::Result<LitStr> {
    string_literal(expr, "a label name is a string literal: \"status\"")
}

fn string_literal(expr: &Expr, message: &str) -> syn::Result<LitStr> {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Str(text) => Ok(text.clone()),
            other => Err(syn::Error::new(other.span(), message)),
        },
        Expr::Group(group) => string_literal(&group.expr, message),
        other => Err(syn::Error::new(other.span(), message)),
    }
}

const OBJECTIVES_FORM: &str = "objectives are a list of `(quantile, error)` pairs: \
                               `objectives = [(0.5, 0.05), (0.9, 0.01), (0.99, 0.001)]`";

fn objectives(expr: &Expr) -> syn::Result<Objectives> {
    let Expr::Array(array) = expr else {
        return Err(syn::Error::new(expr.span(), OBJECTIVES_FORM));
    };
    let pairs = array
        .elems
        .iter()
        .map(|elem| match elem {
            Expr::Tuple(tuple) if tuple.elems.len() == 2 => Ok((
                number(&tuple.elems[0])?,
                number(&tuple.elems[1])?,
                tuple.span(),
            )),
            other => Err(syn::Error::new(other.span(), OBJECTIVES_FORM)),
        })
        .collect::<syn::Result<_>>()?;
    Ok(Objectives {
        span: array.span(),
        pairs,
    })
}

/// The longest duration an argument takes: a year and a day.
const DURATION_LIMIT: u64 = 366 * 24 * 3600;

/// The value of the duration argument `name` (`max_age`, `expire_after`): a whole number of
/// seconds (`600`) or a duration string (`"10m"`), in seconds. `seconds` and `text` are the
/// examples its error message shows.
fn duration(expr: &Expr, name: &str, seconds: &str, text: &str) -> syn::Result<u64> {
    let error = || {
        syn::Error::new(
            expr.span(),
            format!(
                "`{name}` is a whole number of seconds (`{name} = {seconds}`) or a duration \
                 string (`{name} = \"{text}\"`, `\"90s\"`, `\"1h\"`)"
            ),
        )
    };
    let Expr::Lit(lit) = expr else {
        return Err(error());
    };
    let seconds = match &lit.lit {
        Lit::Int(int) => int.base10_parse::<u64>().map_err(|_| error())?,
        Lit::Str(text) => {
            let text = text.value();
            let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(error)?;
            let (number, unit) = text.split_at(split);
            let number: u64 = number.parse().map_err(|_| error())?;
            let scale = match unit {
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                _ => return Err(error()),
            };
            number.checked_mul(scale).ok_or_else(error)?
        }
        _ => return Err(error()),
    };
    if !(1..=DURATION_LIMIT).contains(&seconds) {
        return Err(syn::Error::new(
            expr.span(),
            format!("`{name}` is from 1 second to 366 days (`\"8784h\"`)"),
        ));
    }
    Ok(seconds)
}

const CONST_LABELS_FORM: &str = "constant labels are a list of `(name, value)` string pairs: \
                                 `const_labels = [(\"region\", \"eu\")]`";

fn const_labels(expr: &Expr) -> syn::Result<ConstLabels> {
    let Expr::Array(array) = expr else {
        return Err(syn::Error::new(expr.span(), CONST_LABELS_FORM));
    };
    let pairs = array
        .elems
        .iter()
        .map(|elem| match elem {
            Expr::Tuple(tuple) if tuple.elems.len() == 2 => Ok((
                string_literal(&tuple.elems[0], CONST_LABELS_FORM)?,
                string_literal(&tuple.elems[1], CONST_LABELS_FORM)?,
            )),
            other => Err(syn::Error::new(other.span(), CONST_LABELS_FORM)),
        })
        .collect::<syn::Result<_>>()?;
    Ok(ConstLabels {
        span: array.span(),
        pairs,
    })
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
