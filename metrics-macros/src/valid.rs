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
    /// `(quantile, error)` pairs of a summary.
    pub objectives: Vec<(f64, f64)>,
    pub max_age: Option<u64>,
    pub age_buckets: Option<u32>,
    /// Idle expiry of a labelled family's series, in seconds.
    pub expire_after: Option<u64>,
    pub states: Vec<String>,
    /// `E` of `StateSet<E>`, whose `States::NAMES` are the states.
    pub state_enum: Option<syn::Type>,
    pub callback: Option<syn::Expr>,
    pub const_labels: Vec<(String, String)>,
    /// A family's labels that look unbounded, with the label type's component that must then
    /// be a closed set (checked while compiling, since only the type knows).
    pub unbounded_checks: Vec<(syn::LitStr, &'static str, syn::Type)>,
    /// Whether the expansion should depend on the crate's `Cargo.toml` (under cargo), so that
    /// a change of namespace rebuilds the crate.
    /// A native histogram's settings, where given.
    pub schema: Option<i8>,
    pub max_buckets: Option<u32>,
    pub zero_threshold: Option<f64>,
    pub track_manifest: bool,
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
    if let Some((_, span)) = args.expire_after {
        let labelled = (type_info.is_vec && kind != Kind::Info) || type_info.family.is_some();
        if !labelled {
            errors.push(
                span,
                "`expire_after` removes the series of a labelled family that nobody used for \
                 that long: it applies to `*Vec` types and `Family`; remove it here",
            );
        }
    }

    let (base, name_span, source) = match &args.name {
        Some(name) => (name.value(), name.span(), NameSource::Argument),
        None => (
            item.ident.to_string().to_lowercase(),
            item.ident.span(),
            NameSource::Ident,
        ),
    };
    let namespace = match crate::namespace::crate_namespace() {
        Ok(namespace) => namespace,
        Err(message) => {
            errors.push(Span::call_site(), message);
            None
        }
    };
    let mut prefixes = Vec::new();
    if let Some(namespace) = &namespace {
        prefixes.push((
            namespace.prefix.clone(),
            "the crate's namespace (`[package.metadata.metrics]` in Cargo.toml)",
        ));
    }
    if let Some(subsystem) = &args.subsystem {
        let value = subsystem.value();
        if let Err(message) = metrics_naming::check_prefix(&value) {
            errors.push(subsystem.span(), format!("invalid subsystem: {message}"));
        }
        prefixes.push((value, "the `subsystem`"));
    }
    for (prefix, what) in &prefixes {
        if let Some(rest) = base.strip_prefix(&format!("{prefix}_")) {
            errors.push(
                name_span,
                format!(
                    "{what} `{prefix}` is put in front of the name already, so this metric \
                     would be `{prefix}_{base}`: {}",
                    source.fix(rest)
                ),
            );
        }
    }
    let name = prefixes
        .iter()
        .map(|(prefix, _)| prefix.as_str())
        .chain([base.as_str()])
        .collect::<Vec<_>>()
        .join("_");
    match metrics_naming::check_metric_name(&name) {
        Err(message) => errors.push(name_span, message),
        Ok(()) => {
            for problem in lint::metric_name(&base, kind, source) {
                errors.push(name_span, problem);
            }
        }
    }

    let labels = check_labels(&mut errors, &args, kind, &type_info, &item.ty);
    let unbounded_checks = check_unbounded_labels(&mut errors, &args, &type_info);
    if let (Some((count, span)), Some(given)) = (type_info.explicit_label_count, &args.labels)
        && count != given.names.len()
    {
        errors.push(
            span,
            format!(
                "the type says {count} label(s) but `labels` lists {}: \
                     leave the number out and #[metric] fills it in",
                given.names.len()
            ),
        );
    }

    let buckets = match &args.buckets {
        None => None,
        Some(buckets) if !kind.is_histogram() => {
            errors.push(
                buckets.span,
                "`buckets` only apply to `Histogram`, `NativeHistogram` and their `Vec`s",
            );
            None
        }
        Some(buckets) => {
            check_buckets(&mut errors, buckets);
            Some(buckets.bounds.iter().map(|(bound, _)| *bound).collect())
        }
    };

    if kind != Kind::NativeHistogram {
        let native = [
            args.schema.map(|(_, span)| span),
            args.max_buckets.map(|(_, span)| span),
            args.zero_threshold.map(|(_, span)| span),
        ];
        for span in native.into_iter().flatten() {
            errors.push(
                span,
                "`schema`, `max_buckets` and `zero_threshold` only apply to `NativeHistogram` \
                 and `NativeHistogramVec`",
            );
        }
    }

    let objectives = check_objectives(&mut errors, &args, kind);
    let states = check_states(
        &mut errors,
        &args,
        kind,
        &item.ty,
        type_info.state_enum.is_some(),
    );
    let const_labels = check_const_labels(&mut errors, &args, kind, &labels, &name);

    match (&args.callback, kind.is_callback()) {
        (None, true) => errors.push(
            item.ty.span(),
            "a callback metric reads its value from a function at scrape time: add \
             `callback = function_name` (a `fn() -> number`) to #[metric]",
        ),
        (Some(callback), false) => errors.push(
            callback.span(),
            "`callback` only applies to `GaugeFn` and `CounterFn`: declare the static as one \
             of them",
        ),
        _ => {}
    }

    errors.finish(Checked {
        name,
        help,
        kind,
        is_vec: type_info.is_vec,
        labels,
        buckets,
        family: type_info.family,
        objectives,
        max_age: args.max_age.map(|(seconds, _)| seconds),
        age_buckets: args.age_buckets.map(|(count, _)| count),
        expire_after: args.expire_after.map(|(seconds, _)| seconds),
        states,
        state_enum: type_info.state_enum,
        callback: args.callback,
        const_labels,
        unbounded_checks,
        schema: args.schema.map(|(schema, _)| schema),
        max_buckets: args.max_buckets.map(|(count, _)| count),
        zero_threshold: args.zero_threshold.map(|(threshold, _)| threshold),
        track_manifest: crate::namespace::track(),
    })
}

fn check_objectives(errors: &mut Errors, args: &Args, kind: Kind) -> Vec<(f64, f64)> {
    let Some(objectives) = &args.objectives else {
        for (given, span) in [
            (args.max_age.is_some(), args.max_age.map(|(_, span)| span)),
            (
                args.age_buckets.is_some(),
                args.age_buckets.map(|(_, span)| span),
            ),
        ] {
            if let (true, Some(span)) = (given, span) {
                errors.push(
                    span,
                    if kind.is_summary() {
                        "`max_age` and `age_buckets` set the window of a summary's quantiles: \
                         add `objectives = [(0.5, 0.05), ...]`, or leave them out"
                    } else {
                        "`max_age` and `age_buckets` only apply to `Summary` and `SummaryVec`"
                    },
                );
            }
        }
        return Vec::new();
    };
    if !kind.is_summary() {
        errors.push(
            objectives.span,
            "`objectives` only apply to `Summary` and `SummaryVec`",
        );
        return Vec::new();
    }
    if objectives.pairs.is_empty() {
        errors.push(
            objectives.span,
            "list at least one objective, or leave `objectives` out for a summary with only \
             `_sum` and `_count`",
        );
    }
    let mut seen: Vec<f64> = Vec::new();
    for &(quantile, error, span) in &objectives.pairs {
        if !(quantile > 0.0 && quantile < 1.0) {
            errors.push(
                span,
                format!("the quantile {quantile} is not between 0 and 1 (exclusive)"),
            );
        } else if !(error > 0.0 && error < 1.0) {
            errors.push(
                span,
                format!(
                    "the allowed error {error} is not between 0 and 1 (exclusive): it is a \
                     fraction of the observations, e.g. `({quantile}, 0.01)`"
                ),
            );
        } else if seen.contains(&quantile) {
            errors.push(
                span,
                format!("the quantile {quantile} is listed twice: keep one"),
            );
        }
        seen.push(quantile);
    }
    objectives
        .pairs
        .iter()
        .map(|&(quantile, error, _)| (quantile, error))
        .collect()
}

fn check_states(
    errors: &mut Errors,
    args: &Args,
    kind: Kind,
    ty: &syn::Type,
    from_enum: bool,
) -> Vec<String> {
    let Some(states) = &args.states else {
        if kind == Kind::StateSet && !from_enum {
            errors.push(
                ty.span(),
                "a `StateSet` needs its states: add `states = [\"idle\", \"busy\"]` to \
                 #[metric], or declare `StateSet<E>` for an enum `E` with `#[derive(LabelValue)]`",
            );
        }
        return Vec::new();
    };
    if from_enum {
        errors.push(
            states.span,
            "the states of a `StateSet<E>` are the variants of `E`: remove `states`",
        );
        return Vec::new();
    }
    if kind != Kind::StateSet {
        errors.push(states.span, "`states` only apply to `StateSet`");
        return Vec::new();
    }
    if states.names.is_empty() {
        errors.push(states.span, "a `StateSet` needs at least one state");
    }
    let mut seen: Vec<String> = Vec::new();
    for state in &states.names {
        let value = state.value();
        if value.is_empty() {
            errors.push(state.span(), "a state name cannot be empty");
        } else if seen.contains(&value) {
            errors.push(
                state.span(),
                format!("the state `{value}` is listed twice: keep one"),
            );
        }
        seen.push(value);
    }
    seen
}

fn check_const_labels(
    errors: &mut Errors,
    args: &Args,
    kind: Kind,
    labels: &[String],
    name: &str,
) -> Vec<(String, String)> {
    let Some(const_labels) = &args.const_labels else {
        return Vec::new();
    };
    if const_labels.pairs.is_empty() {
        errors.push(
            const_labels.span,
            "list at least one `(name, value)` pair, or leave `const_labels` out",
        );
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    for (label, value) in &const_labels.pairs {
        let label_text = label.value();
        if let Err(problem) = metrics_naming::check_label_name(&label_text) {
            errors.push(label.span(), problem);
        } else if let Some(problem) = lint::label_name(&label_text, kind) {
            errors.push(label.span(), problem);
        } else if labels.contains(&label_text)
            || seen.iter().any(|(seen, _)| *seen == label_text)
            || (kind == Kind::StateSet && label_text == name)
        {
            errors.push(
                label.span(),
                format!("label `{label_text}` is given twice: keep one"),
            );
        }
        seen.push((label_text, value.value()));
    }
    seen
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
        if kind == Kind::Info {
            errors.push(
                ty.span(),
                "an `Info` metric exposes its facts as labels: add `labels = [\"version\", ...]` \
                 to #[metric]",
            );
        } else if is_vec {
            // A family's label type may name its labels itself; `family_labels` checks that.
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
        if let Err(problem) = metrics_naming::check_label_name(&name) {
            errors.push(label.span(), problem);
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

/// Labels named like unbounded values (ids, uuids, emails, addresses, raw paths) fail the
/// build unless `unbounded_labels` lists them. String labels (`*Vec`) are open, so that is
/// decided here; a family's label may be a closed enum, which only the type knows, so those are
/// returned for a check while compiling.
fn check_unbounded_labels(
    errors: &mut Errors,
    args: &Args,
    type_info: &crate::ast::MetricTypeInfo,
) -> Vec<(syn::LitStr, &'static str, syn::Type)> {
    let allowed: Vec<String> = args
        .unbounded_labels
        .iter()
        .flat_map(|list| &list.names)
        .map(|name| name.value())
        .collect();
    let names: Vec<&syn::LitStr> = args.labels.iter().flat_map(|list| &list.names).collect();
    if let Some(list) = &args.unbounded_labels {
        for name in &list.names {
            if !names.iter().any(|label| label.value() == name.value()) {
                errors.push(
                    name.span(),
                    format!(
                        "`{}` is not in `labels`: `unbounded_labels` lists labels of this \
                         metric whose values are unbounded on purpose",
                        name.value()
                    ),
                );
            }
        }
    }
    if !type_info.is_vec && type_info.family.is_none() {
        // An `Info` has one series, whatever its labels are called.
        return Vec::new();
    }
    let components: Vec<syn::Type> = match &type_info.family {
        Some((syn::Type::Tuple(tuple), _)) => tuple.elems.iter().cloned().collect(),
        Some((label_type, _)) => vec![label_type.clone()],
        None => Vec::new(),
    };
    let mut checks = Vec::new();
    for (position, label) in names.iter().enumerate() {
        let name = label.value();
        let Some(what) = metrics_naming::unbounded_label(&name) else {
            continue;
        };
        if allowed.contains(&name) {
            continue;
        }
        if type_info.family.is_some() {
            if let Some(component) = components.get(position) {
                checks.push(((*label).clone(), what, component.clone()));
            }
        } else {
            errors.push(
                label.span(),
                lint::unbounded_label_message(
                    &name,
                    what,
                    &format!("`unbounded_labels = [\"{name}\"]`"),
                ),
            );
        }
    }
    checks
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
