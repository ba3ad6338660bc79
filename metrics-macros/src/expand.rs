//! The code `#[metric]` writes: the static's initializer and its entry in the link-time list.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{PathArguments, Type, parse_quote};

use crate::ast::{Kind, MetricStatic};
use crate::attr;
use crate::valid::{self, Checked};

pub fn metric(args: TokenStream, input: TokenStream) -> syn::Result<TokenStream> {
    let item: MetricStatic = syn::parse2(input)?;
    let args = attr::parse(args)?;
    let checked = valid::check(&item, args)?;
    Ok(expand(&item, &checked))
}

fn expand(item: &MetricStatic, checked: &Checked) -> TokenStream {
    let MetricStatic {
        attrs,
        vis,
        static_token,
        ident,
        ..
    } = item;
    let ty = full_type(&item.ty, checked);
    // Spanned at the static's name: inside a fn body, "cannot find value
    // `NAME_must_be_declared_at_module_level` in module `self`" points there.
    let module_level = format_ident!(
        "{}_must_be_declared_at_module_level",
        ident,
        span = ident.span()
    );
    let name = &checked.name;
    let id = Literal::u64_suffixed(name_id(name));
    // In a fn body that has a static of the same Rust name at module level, the path finds
    // that one's const, which holds another name: refused while compiling, at the static.
    let shadowed = format!(
        "the #[metric] static `{ident}` must be declared at module level, not inside a fn \
         body, closure or block: move it out of the fn"
    );
    let module_level_check = quote_spanned! {ident.span()=>
        ::metrics_core::__private::module_level_only(self::#module_level, #id, #shadowed);
    };
    let help = &checked.help;
    let labels = &checked.labels;
    let labels = match &checked.family {
        // Evaluated while compiling: the names come from the label type or from `labels`, and
        // are checked against the reserved names and the constant labels.
        Some((label_type, _)) => {
            let constant = checked.const_labels.iter().map(|(name, _)| name);
            quote!(::metrics_core::__private::family_labels::<#label_type>(
                &[#(#labels),*],
                &[#(#constant),*],
            ))
        }
        None => quote!(&[#(#labels),*]),
    };
    let buckets = match (&checked.buckets, checked.kind) {
        (Some(bounds), _) => {
            let bounds = bounds.iter().map(|bound| Literal::f64_suffixed(*bound));
            quote!(&[#(#bounds),*])
        }
        (None, Kind::Histogram) => quote!(::metrics_core::DEFAULT_BUCKETS),
        (None, _) => quote!(&[]),
    };
    // `line!()` with the identifier's span reports the line of the static's name, not of the
    // attribute.
    let line = quote_spanned!(ident.span()=> ::core::line!());
    // The entry must disappear with the static when a `#[cfg]` removes it.
    let cfgs: Vec<_> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg"))
        .collect();
    let options = options(checked);
    let arguments = match &checked.callback {
        // A nested fn, not a closure: it converts any number the callback returns and is a
        // plain `fn() -> f64`, constructible in a `static`.
        Some(callback) => {
            // Spanned so that a callback returning something else than a number is reported
            // at the callback.
            let call = quote_spanned! {syn::spanned::Spanned::span(callback)=>
                ::metrics_core::IntoSample::into_sample((#callback)())
            };
            quote! {
                &__METRIC_DESCRIPTOR,
                {
                    // A closure callback is called where it is written.
                    #[allow(clippy::redundant_closure_call)]
                    fn __metric_callback() -> f64 {
                        #call
                    }
                    __metric_callback
                }
            }
        }
        None => quote!(&__METRIC_DESCRIPTOR),
    };
    // Adding or changing the namespace in Cargo.toml must rebuild the crate: depending on the
    // file makes rustc (and so cargo) track it. One dependency per crate is enough, so only
    // the crate's first `#[metric]` writes it, outside its `cfg`s (see `namespace::track`).
    let manifest = checked.track_manifest.then(|| {
        quote! {
            const _: &[u8] = ::core::include_bytes!(::core::concat!(
                ::core::env!("CARGO_MANIFEST_DIR"),
                "/Cargo.toml"
            ));
        }
    });
    // A counter `x_total` (an info metric `x_info`) is the OpenMetrics family `x`: it takes
    // that name too, so that a gauge or histogram `x` fails the build the same way a duplicate
    // does.
    let family = metrics_naming::family_name(name, checked.kind.metric_type());
    let link_checks = link_checks(ident, family);
    let new = match &checked.family {
        // A closed label set's series are a `static` array built at compile time, so that a
        // lookup is an index; an open one's array is empty.
        Some((label_type, metric_type)) => quote! {
            <#ty>::__new(
                &__METRIC_DESCRIPTOR,
                [
                    const { <#metric_type>::__new(&__METRIC_DESCRIPTOR) };
                    ::metrics_core::closed_len::<#label_type>()
                ],
            )
        },
        None => quote!(<#ty>::__new(#arguments)),
    };

    // A family's label named like an unbounded value must be a closed set (an enum), which
    // only the label type knows: checked while compiling.
    let unbounded_checks = checked
        .unbounded_checks
        .iter()
        .map(|(label, what, component)| {
            let name = label.value();
            let message = crate::lint::unbounded_label_message(
                &name,
                what,
                &format!("`unbounded_labels = [\"{name}\"]`"),
            );
            quote_spanned! {label.span()=>
                #(#cfgs)*
                const _: () = if <#component as ::metrics_core::LabelValue>::VALUES.is_none() {
                    ::core::panic!(#message)
                };
            }
        });

    quote! {
        #(#unbounded_checks)*

        #(#attrs)*
        #vis #static_token #ident: #ty = {
            static __METRIC_DESCRIPTOR: ::metrics_core::Descriptor =
                ::metrics_core::Descriptor {
                    name: #name,
                    help: #help,
                    labels: #labels,
                    buckets: #buckets,
                    module_path: ::core::module_path!(),
                    file: ::core::file!(),
                    line: #line,
                    options: #options,
                };
            // Named through `self::`, which fails inside a fn body or block (see `link_checks`).
            #module_level_check
            #new
        };

        // The metric's name, hashed, at module level under a name that reads as the rule.
        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        const #module_level: u64 = #id;

        // The element of the link-time list (see `metrics_core::__private::entry!`) and the
        // duplicate checks, in one block.
        #(#cfgs)*
        const _: () = {
            ::metrics_core::__private::entry!(#ident);
            #link_checks
        };

        #manifest
    }
}

/// The descriptor's `options`: `Options::NONE` unless the declaration sets something.
fn options(checked: &Checked) -> TokenStream {
    let mut fields = Vec::new();
    if !checked.objectives.is_empty() {
        let objectives = checked.objectives.iter().map(|(quantile, error)| {
            let (quantile, error) = (
                Literal::f64_suffixed(*quantile),
                Literal::f64_suffixed(*error),
            );
            quote!(::metrics_core::Objective { quantile: #quantile, error: #error })
        });
        fields.push(quote!(objectives: &[#(#objectives),*]));
    }
    if let Some(seconds) = checked.max_age {
        fields.push(quote!(max_age_seconds: #seconds));
    }
    if let Some(count) = checked.age_buckets {
        fields.push(quote!(age_buckets: #count));
    }
    if let Some(seconds) = checked.expire_after {
        fields.push(quote!(expire_after_seconds: #seconds));
    }
    if let Some(state_enum) = &checked.state_enum {
        fields.push(quote!(states: <#state_enum as ::metrics_core::States>::NAMES));
    } else if !checked.states.is_empty() {
        let states = &checked.states;
        fields.push(quote!(states: &[#(#states),*]));
    }
    if !checked.const_labels.is_empty() {
        let pairs = checked
            .const_labels
            .iter()
            .map(|(name, value)| quote!((#name, #value)));
        fields.push(quote!(const_labels: &[#(#pairs),*]));
    }
    if let Some(schema) = checked.schema {
        fields.push(quote!(native_schema: #schema));
    }
    if let Some(count) = checked.max_buckets {
        fields.push(quote!(native_max_buckets: #count));
    }
    if let Some(threshold) = checked.zero_threshold {
        let threshold = Literal::f64_suffixed(threshold);
        fields.push(quote!(native_zero_threshold: #threshold));
    }
    if fields.is_empty() {
        quote!(::metrics_core::Options::NONE)
    } else {
        quote! {
            ::metrics_core::Options {
                #(#fields,)*
                ..::metrics_core::Options::NONE
            }
        }
    }
}

/// The items that make mistakes fail the build instead of reaching the registry. Each rests on
/// a rule of the language or of linkers, not on the wording of one compiler's diagnostics:
///
/// - Module level only (written by `expand`): a const `NAME_must_be_declared_at_module_level`
///   holding the metric's name (hashed) is declared next to the static, whose initializer names it back
///   through `self::`. Items inside a fn body, closure or const block are not
///   members of the module, so from there the path does not resolve ("cannot find value
///   `NAME_must_be_declared_at_module_level` in module `self`", at the static's name). The
///   initializer also compares the name it finds with its own, so a static in a fn body that
///   shares its Rust name with one at module level (and finds that one's const) is refused as
///   well.
/// - Same family twice in one crate: two `#[macro_export]` macros land in the crate root under
///   one name, whichever modules (or `const _` blocks) declare them, and rustc refuses the second, pointing at both
///   declarations. The name reads as the message: `metric_x_total_or_x_is_declared_twice_...`,
///   x being the family (the name without `_total` for a counter), since a counter `x_total`
///   and a gauge `x` are one OpenMetrics family.
/// - Same family in two crates of one program: one link symbol per family, "metric `x_total` or
///   `x` is defined in two linked crates, ...", which the linker refuses to define twice. On
///   ELF targets it is defined in `global_asm!`, which LTO (thin included) leaves alone;
///   elsewhere by a `#[used]` static under `export_name`. So each duplicated metric gives one
///   "duplicate symbol" line.
///
/// The link symbol is written by `metrics_core::__private::link_checks!`, so that an
/// expansion does not repeat the target lists. The link symbol is left out of `cfg(test)`
/// builds: a crate's unit tests link the crate a second time when a dev-dependency depends on
/// it, and that is not a conflict.
fn link_checks(ident: &Ident, family: &str) -> TokenStream {
    let symbol = format!(
        "metric `{family}_total` or `{family}` is defined in two linked crates: \
         rename one, or give one another `name`"
    );
    // The `global_asm!` template for ELF targets, written here so that expanding it takes no
    // `concat!` per metric.
    let asm = format!(
        ".pushsection .metrics_core_names,\"a\"\n.globl \"{symbol}\"\n\"{symbol}\":\n.popsection"
    );
    let same_crate_macro = format_ident!(
        "metric_{}_total_or_{}_is_declared_twice_rename_one_or_give_one_another_name",
        family,
        family,
        span = ident.span()
    );
    quote! {
        #[doc(hidden)]
        #[macro_export]
        macro_rules! #same_crate_macro {
            () => {};
        }

        ::metrics_core::__private::link_checks!(#symbol, #asm);
    }
}

/// The metric's name as the module-level check compares it: FNV-1a, 64 bits. Two metrics
/// whose names hash alike would also have to share a Rust name, one of them in a fn body, for
/// the check to miss one.
fn name_id(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `IntCounterVec` becomes `IntCounterVec<N>`, N being the number of labels, so that
/// `with_label_values` takes exactly N values; `Family<L, M>` becomes `Family<L, M, C>`, C being
/// the number of label sets of a closed `L` (0 for an open one), held inline.
fn full_type(ty: &Type, checked: &Checked) -> Type {
    let mut ty = ty.clone();
    if let Some((label_type, _)) = &checked.family
        && let Type::Path(path) = &mut ty
        && let Some(last) = path.path.segments.last_mut()
        && let PathArguments::AngleBracketed(args) = &mut last.arguments
    {
        args.args.push(parse_quote!({
            ::metrics_core::closed_len::<#label_type>()
        }));
    }
    if checked.is_vec
        && let Type::Path(path) = &mut ty
        && let Some(last) = path.path.segments.last_mut()
        && last.arguments.is_empty()
    {
        let count = Literal::usize_unsuffixed(checked.labels.len());
        last.arguments = PathArguments::AngleBracketed(parse_quote!(<#count>));
    }
    ty
}
