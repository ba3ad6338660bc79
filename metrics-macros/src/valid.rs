//! The checks that turn mistakes in a declaration into compile errors at the offending span.

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::ast::{Kind, MetricStatic, metric_type};
use crate::attr::Args;
use crate::lint::{self, NameSource};

/// A declaration that passed every check, with the defaults filled in.
pub struct Checked {
    pub name: String,
    pub help: String,
    pub kind: Kind,
    pub is_vec: bool,
    pub labels: Vec<String>,
    /// `Some((L, M))` for `Family<L, M>`: `labels` are then the names given in the attribute,
    /// if any, and the label type supplies or checks them while compiling.
    pub family: Option<(syn::Type, syn::Type)>,
    /// `None`: the histogram gets the default buckets (or the type is not a histogram).
    pub buckets: Option<Vec<f64>>,
}

/// Collects every error instead of stopping at the first, so one build shows them all.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, span: Span, message: impl std::fmt::Display) {
        self.add(syn::Error::new(span, message));
    }

    fn add(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(errors) => errors.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.0 {
            Some(errors) => Err(errors),
            None => Ok(value),
        }
    }
}

pub fn check(item: &MetricStatic, args: Args) -> syn::Result<Checked> {
    let mut errors = Errors::default();

    if let Some(mutability) = &item.mutability {
        errors.push(
            mutability.span(),
            "a metric cannot be `static mut`: its methods take `&self`; remove `mut`",
        );
    }
    if let Some(init) = &item.init {
        errors.push(
            init.span(),
            "remove the initializer: #[metric] writes it (`static NAME: Type;`)",
        );
    }

    let help = item.help().unwrap_or_default();
    if help.is_empty() {
        errors.push(
            item.ident.span(),
            "a metric needs a doc comment: its first paragraph is the HELP text; \
             add `/// What this metric measures.` above the static",
        );
    }

    let type_info = metric_type(&item.ty)?;
    let kind = type_info.kind;

    let (name, name_span, source) = match &args.name {
        Some(name) => (name.value(), name.span(), NameSource::Argument),
        None => (
            item.ident.to_string().to_lowercase(),
            item.ident.span(),
            NameSource::Ident,
        ),
    };
    match check_metric_name(&name) {
        Err(message) => errors.push(name_span, message),
        Ok(()) => {
            for problem in lint::metric_name(&name, kind, source) {
                errors.push(name_span, problem);
            }
        }
    }

    let labels = check_labels(&mut errors, &args, kind, &type_info, &item.ty);
    if let (Some((count, span)), Some(given)) = (type_info.explicit_label_count, &args.labels) {
        if count != given.names.len() {
            errors.push(
                span,
                format!(
                    "the type says {count} label(s) but `labels` lists {}: \
                     leave the number out and #[metric] fills it in",
                    given.names.len()
                ),
            );
        }
    }

    let buckets = match &args.buckets {
        None => None,
        Some(buckets) if !kind.is_histogram() => {
            errors.push(
                buckets.span,
                "`buckets` only apply to `Histogram` and `HistogramVec`",
            );
            None
        }
        Some(buckets) => {
            check_buckets(&mut errors, buckets);
            Some(buckets.bounds.iter().map(|(bound, _)| *bound).collect())
        }
    };

    errors.finish(Checked {
        name,
        help,
        kind,
        is_vec: type_info.is_vec,
        labels,
        buckets,
        family: type_info.family,
    })
}

/// Metric names match `[a-zA-Z_][a-zA-Z0-9_]*`. Prometheus also allows `:`, but reserves it
/// for recording rules, so a metric defined in code must not use it.
fn check_metric_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a metric name cannot be empty".to_owned());
    }
    if name.contains(':') {
        return Err(format!(
            "invalid metric name `{name}`: colons are reserved for recording rules; write `{}`",
            name.replace(':', "_")
        ));
    }
    if !is_identifier(name) {
        return Err(format!(
            "invalid metric name `{name}`: use letters, digits and `_`, not starting with a digit"
        ));
    }
    if name.starts_with("__") {
        return Err(format!(
            "invalid metric name `{name}`: names starting with `__` are reserved"
        ));
    }
    Ok(())
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check_labels(
    errors: &mut Errors,
    args: &Args,
    kind: Kind,
    type_info: &crate::ast::MetricTypeInfo,
    ty: &syn::Type,
) -> Vec<String> {
    let is_vec = type_info.is_vec;
    let is_family = type_info.family.is_some();
    let type_name = quote::ToTokens::to_token_stream(ty)
        .to_string()
        .replace(' ', "");
    let Some(labels) = &args.labels else {
        // A family's label type may name its labels itself; `family_labels` checks that.
        if is_vec {
            errors.push(
                ty.span(),
                format!(
                    "`{type_name}` needs labels: add `labels = [\"...\"]` to #[metric], \
                     or declare an unlabelled `{}`",
                    type_name.trim_end_matches("Vec")
                ),
            );
        }
        return Vec::new();
    };
    if !is_vec && !is_family {
        errors.push(
            labels.span,
            format!("`{type_name}` has no labels: declare it as `{type_name}Vec` to use labels"),
        );
        return Vec::new();
    }
    if labels.names.is_empty() && is_vec {
        errors.push(
            labels.span,
            format!(
                "a `*Vec` metric needs at least one label; for none, declare `{}`",
                type_name.trim_end_matches("Vec")
            ),
        );
    }
    let mut seen: Vec<String> = Vec::new();
    for label in &labels.names {
        let name = label.value();
        if !is_identifier(&name) {
            errors.push(
                label.span(),
                format!(
                    "invalid label name `{name}`: use letters, digits and `_`, \
                     not starting with a digit"
                ),
            );
        } else if name.starts_with("__") {
            errors.push(
                label.span(),
                format!("invalid label name `{name}`: names starting with `__` are reserved"),
            );
        } else if let Some(problem) = lint::label_name(&name, kind) {
            errors.push(label.span(), problem);
        } else if seen.contains(&name) {
            errors.push(
                label.span(),
                format!("label `{name}` is listed twice: keep one"),
            );
        }
        seen.push(name);
    }
    seen
}

fn check_buckets(errors: &mut Errors, buckets: &crate::attr::Buckets) {
    if buckets.bounds.is_empty() {
        errors.push(
            buckets.span,
            "a histogram needs at least one bucket bound; leave `buckets` out for the defaults",
        );
    }
    for (bound, span) in &buckets.bounds {
        if !bound.is_finite() {
            errors.push(
                *span,
                "bucket bounds must be finite: the `+Inf` bucket is always added",
            );
        }
    }
    for pair in buckets.bounds.windows(2) {
        let ((previous, _), (bound, span)) = (pair[0], pair[1]);
        if bound.partial_cmp(&previous) != Some(std::cmp::Ordering::Greater) {
            errors.push(
                span,
                format!(
                    "bucket bounds must be strictly increasing: {bound} comes after {previous}"
                ),
            );
        }
    }
}
