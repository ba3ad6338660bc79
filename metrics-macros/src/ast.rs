//! The item `#[metric]` is attached to: a `static` without an initializer.

use metrics_naming::MetricType;
use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, Expr, GenericArgument, Ident, Lit, PathArguments, Token, Type, Visibility};

/// `#[doc] #[...] pub static NAME: Type;`
pub struct MetricStatic {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub static_token: Token![static],
    pub mutability: Option<Token![mut]>,
    pub ident: Ident,
    pub ty: Type,
    /// Present only to be rejected with a helpful message.
    pub init: Option<Expr>,
}

impl Parse for MetricStatic {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        if !input.peek(Token![static]) {
            return Err(input.error(
                "#[metric] goes on a `static` without initializer, e.g. \
                 `pub static VOICE_CALLS_TOTAL: IntCounterVec;`",
            ));
        }
        let static_token = input.parse()?;
        let mutability = input.parse()?;
        let ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let ty = input.parse()?;
        let init = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        input.parse::<Token![;]>()?;
        Ok(MetricStatic {
            attrs,
            vis,
            static_token,
            mutability,
            ident,
            ty,
            init,
        })
    }
}

/// The value types a metric can be, before labels.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Counter,
    IntCounter,
    Gauge,
    IntGauge,
    Histogram,
    /// Exponential buckets at a schema, with optional classic buckets alongside.
    NativeHistogram,
    Summary,
    /// Constant labels on a sample of value 1; `Info<N>` for its `N` labels.
    Info,
    /// One series per state, exactly one of them 1.
    StateSet,
    /// A gauge read from a callback at scrape time.
    GaugeFn,
    /// A counter read from a callback at scrape time.
    CounterFn,
}

impl Kind {
    pub fn is_histogram(self) -> bool {
        matches!(self, Kind::Histogram | Kind::NativeHistogram)
    }

    pub fn is_summary(self) -> bool {
        self == Kind::Summary
    }

    /// Types whose value comes from a callback given as `callback = ...`.
    pub fn is_callback(self) -> bool {
        matches!(self, Kind::GaugeFn | Kind::CounterFn)
    }

    /// The type on the `# TYPE` line, which the naming rules go by.
    pub fn metric_type(self) -> MetricType {
        match self {
            Kind::Counter | Kind::IntCounter | Kind::CounterFn => MetricType::Counter,
            Kind::Gauge | Kind::IntGauge | Kind::GaugeFn => MetricType::Gauge,
            Kind::Histogram | Kind::NativeHistogram => MetricType::Histogram,
            Kind::Summary => MetricType::Summary,
            Kind::Info => MetricType::Info,
            Kind::StateSet => MetricType::StateSet,
        }
    }

    /// "a gauge", "a histogram": for messages.
    pub fn article_name(self) -> &'static str {
        match self {
            Kind::Counter | Kind::IntCounter | Kind::CounterFn => "a counter",
            Kind::Gauge | Kind::IntGauge | Kind::GaugeFn => "a gauge",
            Kind::Histogram | Kind::NativeHistogram => "a histogram",
            Kind::Summary => "a summary",
            Kind::Info => "an info metric",
            Kind::StateSet => "a state set",
        }
    }
}

/// What the declared type says: the kind, whether it is a `*Vec`, and the label count if the
/// user spelled it out (`IntCounterVec<2>`).
pub struct MetricTypeInfo {
    pub kind: Kind,
    pub is_vec: bool,
    pub explicit_label_count: Option<(usize, Span)>,
    /// `Some((L, M))` for `Family<L, M>`: the label set type and the metric type.
    pub family: Option<(Type, Type)>,
    /// `E` of `StateSet<E>`: the enum whose variants are the states.
    pub state_enum: Option<Type>,
}

pub const METRIC_TYPES: &str = "Counter, IntCounter, Gauge, IntGauge, Histogram, \
                                NativeHistogram, Summary, CounterVec, IntCounterVec, GaugeVec, \
                                IntGaugeVec, HistogramVec, NativeHistogramVec, SummaryVec, Info, \
                                StateSet, GaugeFn, CounterFn, Family<Labels, Counter|IntCounter|\
                                Gauge|IntGauge|Histogram|NativeHistogram|Summary>";

/// The `Kind` named by an unlabelled metric type's last path segment.
fn base_kind(name: &str) -> Option<Kind> {
    Some(match name {
        "Counter" => Kind::Counter,
        "IntCounter" => Kind::IntCounter,
        "Gauge" => Kind::Gauge,
        "IntGauge" => Kind::IntGauge,
        "Histogram" => Kind::Histogram,
        "NativeHistogram" => Kind::NativeHistogram,
        "Summary" => Kind::Summary,
        _ => return None,
    })
}

/// `Family<L, M>`: the label set type, the metric type and its kind.
fn family(arguments: &PathArguments, span: Span) -> syn::Result<(Type, Type, Kind)> {
    let wrong = || {
        syn::Error::new(
            span,
            "a `Family` takes a label set type and an unlabelled metric type, \
             e.g. `Family<CallStatus, IntCounter>`",
        )
    };
    let PathArguments::AngleBracketed(args) = arguments else {
        return Err(wrong());
    };
    let [GenericArgument::Type(labels), GenericArgument::Type(metric)] =
        args.args.iter().collect::<Vec<_>>()[..]
    else {
        return Err(wrong());
    };
    let metric_kind = match metric {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .filter(|segment| segment.arguments.is_empty())
            .and_then(|segment| base_kind(&segment.ident.to_string())),
        _ => None,
    };
    let Some(kind) = metric_kind else {
        return Err(syn::Error::new(
            metric.span(),
            "the metric of a `Family` is one of Counter, IntCounter, Gauge, IntGauge, Histogram, \
             NativeHistogram, Summary",
        ));
    };
    Ok((labels.clone(), metric.clone(), kind))
}

/// Recognises the metric type by the last segment of its path, which is how users write it
/// (`IntCounterVec` or `metrics_core::IntCounterVec`).
pub fn metric_type(ty: &Type) -> syn::Result<MetricTypeInfo> {
    let not_a_metric = || {
        syn::Error::new(
            ty.span(),
            format!("#[metric] cannot declare this type: use one of {METRIC_TYPES}"),
        )
    };
    let Type::Path(path) = ty else {
        return Err(not_a_metric());
    };
    if path.qself.is_some() {
        return Err(not_a_metric());
    }
    let segment = path.path.segments.last().ok_or_else(not_a_metric)?;
    let name = segment.ident.to_string();
    if name == "Family" {
        let (labels, metric, kind) = family(&segment.arguments, segment.span())?;
        return Ok(MetricTypeInfo {
            kind,
            is_vec: false,
            explicit_label_count: None,
            family: Some((labels, metric)),
            state_enum: None,
        });
    }
    let (base, is_vec) = match name.strip_suffix("Vec") {
        Some(base) => (base, true),
        None => (name.as_str(), false),
    };
    let kind = match (base, is_vec) {
        ("Counter", _) => Kind::Counter,
        ("IntCounter", _) => Kind::IntCounter,
        ("Gauge", _) => Kind::Gauge,
        ("IntGauge", _) => Kind::IntGauge,
        ("Histogram", _) => Kind::Histogram,
        ("NativeHistogram", _) => Kind::NativeHistogram,
        ("Summary", _) => Kind::Summary,
        ("Info", false) => Kind::Info,
        ("StateSet", false) => Kind::StateSet,
        ("GaugeFn", false) => Kind::GaugeFn,
        ("CounterFn", false) => Kind::CounterFn,
        _ => return Err(not_a_metric()),
    };
    // `Info<N>` takes its label count like a `*Vec`.
    let is_vec = is_vec || kind == Kind::Info;
    if kind == Kind::StateSet {
        let state_enum = match &segment.arguments {
            PathArguments::None => None,
            PathArguments::AngleBracketed(args) => {
                match &args.args.iter().collect::<Vec<_>>()[..] {
                    [GenericArgument::Type(state_enum)] => Some(state_enum.clone()),
                    _ => None,
                }
                .map(Some)
                .ok_or_else(|| {
                    syn::Error::new(
                        args.span(),
                        "the parameter of `StateSet` is the enum of its states: \
                     `StateSet<WorkerState>` with `#[derive(LabelValue)] enum WorkerState { ... }`",
                    )
                })?
            }
            other => {
                return Err(syn::Error::new(
                    other.span(),
                    "the parameter of `StateSet` is the enum of its states: \
                     `StateSet<WorkerState>`",
                ));
            }
        };
        return Ok(MetricTypeInfo {
            kind,
            is_vec: false,
            explicit_label_count: None,
            family: None,
            state_enum,
        });
    }
    let explicit_label_count = match &segment.arguments {
        PathArguments::None => None,
        arguments => Some(label_count_argument(arguments, is_vec)?),
    };
    Ok(MetricTypeInfo {
        kind,
        is_vec,
        explicit_label_count,
        family: None,
        state_enum: None,
    })
}

/// The `2` of `IntCounterVec<2>`: the only parameter a metric type has.
fn label_count_argument(arguments: &PathArguments, is_vec: bool) -> syn::Result<(usize, Span)> {
    if let PathArguments::AngleBracketed(args) = arguments
        && let [GenericArgument::Const(Expr::Lit(lit))] = args.args.iter().collect::<Vec<_>>()[..]
        && let (true, Lit::Int(int)) = (is_vec, &lit.lit)
    {
        return Ok((int.base10_parse()?, int.span()));
    }
    Err(syn::Error::new(
        arguments.span(),
        if is_vec {
            "the parameter of a `*Vec` type is its number of labels, e.g. `IntCounterVec<2>`; \
             leave it out and #[metric] counts `labels`"
        } else {
            "this metric type takes no parameters"
        },
    ))
}

impl MetricStatic {
    /// The help text: the first paragraph of the doc comment, its lines joined by spaces. The
    /// rest of the doc comment is for rustdoc only.
    pub fn help(&self) -> Option<String> {
        let mut lines = Vec::new();
        for attr in &self.attrs {
            if !attr.path().is_ident("doc") {
                continue;
            }
            let syn::Meta::NameValue(doc) = &attr.meta else {
                continue;
            };
            let Expr::Lit(syn::ExprLit {
                lit: Lit::Str(text),
                ..
            }) = &doc.value
            else {
                continue;
            };
            // `split`, not `lines`: an empty `///` line is an empty string, and must still end
            // the paragraph.
            lines.extend(text.value().split('\n').map(|line| line.trim().to_owned()));
        }
        let paragraph: Vec<String> = lines
            .into_iter()
            .skip_while(String::is_empty)
            .take_while(|line| !line.is_empty())
            .collect();
        if paragraph.is_empty() {
            None
        } else {
            Some(paragraph.join(" "))
        }
    }
}
