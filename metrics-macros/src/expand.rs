//! The code `#[metric]` writes: the static's initializer and its entry in the link-time list.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{Attribute, PathArguments, Type, parse_quote};

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
    let name = &checked.name;
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
                ::metrics_core::__private::IntoSample::into_sample((#callback)())
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
    // file makes rustc (and so cargo) track it.
    let manifest = checked.track_manifest.then(|| {
        quote! {
            #(#cfgs)*
            const _: &[u8] = ::core::include_bytes!(::core::concat!(
                ::core::env!("CARGO_MANIFEST_DIR"),
                "/Cargo.toml"
            ));
        }
    });
    // A counter `x_total` is the OpenMetrics family `x`: it takes that name too, so that a
    // gauge or histogram `x` fails the build the same way a duplicate does.
    let family = match name.strip_suffix("_total") {
        Some(family) if checked.kind.is_counter() => family,
        _ => name.as_str(),
    };
    let link_checks = link_checks(ident, name, family, &cfgs);
    let new = match &checked.family {
        // A closed label set's series are a `static` array built at compile time, so that a
        // lookup is an index; an open one's array is empty.
        Some((label_type, metric_type)) => quote! {
            <#ty>::__new(
                &__METRIC_DESCRIPTOR,
                [
                    const { <#metric_type>::__new(&__METRIC_DESCRIPTOR) };
                    ::metrics_core::__private::closed_len::<#label_type>()
                ],
            )
        },
        None => quote!(<#ty>::__new(#arguments)),
    };

    quote! {
        #(#attrs)*
        #vis #static_token #ident: #ty = {
            static __METRIC_DESCRIPTOR: ::metrics_core::__private::Descriptor =
                ::metrics_core::__private::Descriptor {
                    name: #name,
                    help: #help,
                    labels: #labels,
                    buckets: #buckets,
                    module_path: ::core::module_path!(),
                    file: ::core::file!(),
                    line: #line,
                    options: #options,
                };
            #new
        };

        #(#cfgs)*
        const _: () = {
            #[::metrics_core::__private::linkme::distributed_slice(
                ::metrics_core::__private::METRICS
            )]
            #[linkme(crate = ::metrics_core::__private::linkme)]
            static __METRIC_ENTRY: ::metrics_core::__private::Entry =
                ::metrics_core::__private::Entry(&#ident);
        };

        #link_checks

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
            quote!(::metrics_core::__private::Objective { quantile: #quantile, error: #error })
        });
        fields.push(quote!(objectives: &[#(#objectives),*]));
    }
    if let Some(seconds) = checked.max_age {
        fields.push(quote!(max_age_seconds: #seconds));
    }
    if let Some(count) = checked.age_buckets {
        fields.push(quote!(age_buckets: #count));
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
        quote!(::metrics_core::__private::Options::NONE)
    } else {
        quote! {
            ::metrics_core::__private::Options {
                #(#fields,)*
                ..::metrics_core::__private::Options::NONE
            }
        }
    }
}

/// The items that make mistakes fail the build instead of reaching the registry:
///
/// - Same family twice in one crate: two `#[macro_export]` macros `metric_named_FAMILY` land
///   in the crate root, and rustc refuses the second one during `cargo check`
///   ("the name `metric_named_FAMILY` is defined multiple times"). FAMILY is the name, without
///   `_total` for a counter: a counter `x_total` and a gauge `x` are one OpenMetrics family.
/// - Same name (or family) in two crates of one program: a `#[used]` static exported under the
///   symbol "metric `NAME` is defined twice, ..." makes the linker fail (debug, release, fat
///   LTO). Thin LTO internalizes that symbol, so on ELF targets a second symbol defined in
///   `global_asm!`, which LTO leaves alone, collides as well. A counter defines both symbols
///   for its name and for its family.
/// - Inside a fn body, closure or const block: `global_asm!`, under the name
///   `metric_must_be_declared_at_module_level_not_inside_a_fn_or_block`, is refused in
///   statement position. Where `global_asm!` is not stable, `self::IDENT` does not resolve from
///   a block instead.
///
/// The items themselves are written by `metrics_core::__private::link_checks!`, so that an
/// expansion does not repeat the target lists. The link symbols are left out of `cfg(test)` builds: a crate's unit tests link the crate a
/// second time when a dev-dependency depends on it, and that is not a conflict.
fn link_checks(ident: &Ident, name: &str, family: &str, cfgs: &[&Attribute]) -> TokenStream {
    let mut names = vec![name];
    if family != name {
        names.push(family);
    }
    let exports = names
        .iter()
        .map(|name| format!("metric `{name}` is defined twice, rename one of them"));
    let mut asm_lines = vec![".pushsection .metrics_core_names,\"a\"".to_owned()];
    for name in &names {
        let asm_symbol = format!("metric `{name}` is defined twice in the linked crates");
        asm_lines.push(format!(".globl \"{asm_symbol}\""));
        asm_lines.push(format!("\"{asm_symbol}\":"));
    }
    asm_lines.push(".popsection".to_owned());
    let same_crate_macro = format_ident!("metric_named_{}", family, span = ident.span());
    // Spanned at the static's name: inside a fn body, the error points there.
    let checks = quote_spanned! {ident.span()=> ::metrics_core::__private::link_checks };
    quote! {
        #(#cfgs)*
        #[doc(hidden)]
        #[macro_export]
        macro_rules! #same_crate_macro {
            () => {};
        }

        #(#cfgs)*
        #checks! {
            ident = #ident,
            exports = [#(#exports),*],
            asm = [#(#asm_lines),*],
        }
    }
}

/// `IntCounterVec` becomes `IntCounterVec<N>`, N being the number of labels, so that
/// `with_label_values` takes exactly N values; `Family<L, M>` becomes `Family<L, M, C>`, C being
/// the number of label sets of a closed `L` (0 for an open one), held inline.
fn full_type(ty: &Type, checked: &Checked) -> Type {
    let mut ty = ty.clone();
    if let Some((label_type, _)) = &checked.family {
        if let Type::Path(path) = &mut ty {
            if let Some(last) = path.path.segments.last_mut() {
                if let PathArguments::AngleBracketed(args) = &mut last.arguments {
                    args.args.push(parse_quote!({
                        ::metrics_core::__private::closed_len::<#label_type>()
                    }));
                }
            }
        }
    }
    if checked.is_vec {
        if let Type::Path(path) = &mut ty {
            if let Some(last) = path.path.segments.last_mut() {
                if last.arguments.is_empty() {
                    let count = Literal::usize_unsuffixed(checked.labels.len());
                    last.arguments = PathArguments::AngleBracketed(parse_quote!(<#count>));
                }
            }
        }
    }
    ty
}
