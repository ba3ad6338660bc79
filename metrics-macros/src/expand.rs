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
    let link_checks = link_checks(ident, name, &cfgs);
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

    quote! {
        #(#attrs)*
        #vis #static_token #ident: #ty = {
            static __METRIC_DESCRIPTOR: ::metrics_core::__private::Descriptor =
                ::metrics_core::__private::Descriptor {
                    name: #name,
                    help: #help,
                    labels: &[#(#labels),*],
                    buckets: #buckets,
                    module_path: ::core::module_path!(),
                    file: ::core::file!(),
                    line: #line,
                    options: #options,
                };
            <#ty>::__new(#arguments)
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

/// The architectures where `global_asm!` is stable, so where the module-level check and the
/// ELF link symbol can use it.
fn asm_arches() -> TokenStream {
    quote! {
        any(
            target_arch = "x86",
            target_arch = "x86_64",
            target_arch = "arm",
            target_arch = "aarch64",
            target_arch = "riscv32",
            target_arch = "riscv64",
            target_arch = "loongarch64",
        )
    }
}

/// Operating systems whose object format is ELF, where the assembler syntax below is valid.
fn elf_targets() -> TokenStream {
    quote! {
        any(
            target_os = "linux",
            target_os = "android",
            target_os = "freebsd",
            target_os = "netbsd",
            target_os = "openbsd",
            target_os = "dragonfly",
            target_os = "illumos",
        )
    }
}

/// The items that make mistakes fail the build instead of reaching the registry:
///
/// - Same name twice in one crate: two `#[macro_export]` macros `metric_named_NAME` land in the
///   crate root, and rustc refuses the second one during `cargo check`
///   ("the name `metric_named_NAME` is defined multiple times").
/// - Same name in two crates of one program: a `#[used]` static exported under the symbol
///   "metric `NAME` is defined twice, ..." makes the linker fail (debug, release, fat LTO).
///   Thin LTO internalizes that symbol, so on ELF targets a second symbol defined in
///   `global_asm!`, which LTO leaves alone, collides as well.
/// - Inside a fn body, closure or const block: `global_asm!`, under the name
///   `metric_must_be_declared_at_module_level_not_inside_a_fn_or_block`, is refused in
///   statement position. Where `global_asm!` is not stable, `self::IDENT` does not resolve from
///   a block instead.
///
/// The link symbols are left out of `cfg(test)` builds: a crate's unit tests link the crate a
/// second time when a dev-dependency depends on it, and that is not a conflict.
fn link_checks(ident: &Ident, name: &str, cfgs: &[&Attribute]) -> TokenStream {
    let asm_arches = asm_arches();
    let elf_targets = elf_targets();
    let export_symbol = format!("metric `{name}` is defined twice, rename one of them");
    let asm_symbol = format!("metric `{name}` is defined twice in the linked crates");
    let asm_lines = [
        ".pushsection .metrics_core_names,\"a\"".to_owned(),
        format!(".globl \"{asm_symbol}\""),
        format!("\"{asm_symbol}\":"),
        ".popsection".to_owned(),
    ];
    let same_crate_macro = format_ident!("metric_named_{}", name, span = ident.span());
    let module_level_only = quote_spanned! {ident.span()=>
        ::metrics_core::__private::metric_must_be_declared_at_module_level_not_inside_a_fn_or_block
    };
    quote! {
        #(#cfgs)*
        #[doc(hidden)]
        #[macro_export]
        macro_rules! #same_crate_macro {
            () => {};
        }

        #(#cfgs)*
        #[cfg(not(test))]
        const _: () = {
            #[used]
            #[unsafe(export_name = #export_symbol)]
            static __METRIC_NAME_IS_UNIQUE: u8 = 0;
        };

        #(#cfgs)*
        #[cfg(all(#asm_arches, #elf_targets, not(test)))]
        #module_level_only!(#(#asm_lines),*);

        #(#cfgs)*
        #[cfg(all(#asm_arches, not(all(#elf_targets, not(test)))))]
        #module_level_only!("");

        #(#cfgs)*
        #[cfg(not(#asm_arches))]
        const _: () = {
            let _ = &self::#ident;
        };
    }
}

/// `IntCounterVec` becomes `IntCounterVec<N>`, N being the number of labels, so that
/// `with_label_values` takes exactly N values.
fn full_type(ty: &Type, checked: &Checked) -> Type {
    let mut ty = ty.clone();
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
