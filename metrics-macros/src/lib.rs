//! The `#[metric]` attribute and the typed-label derives of `metrics-core`. Use it through `metrics_core::metric`: the code
//! it generates names `::metrics_core`.

mod ast;
mod attr;
mod derive;
mod expand;
mod lint;
#[cfg(test)]
mod snapshot;
mod valid;

use proc_macro::TokenStream;

/// Declares a metric: see the `metrics-core` crate documentation.
#[proc_macro_attribute]
pub fn metric(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::metric(args.into(), input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `LabelValue` for a fieldless enum: see `metrics_core::LabelValue`.
#[proc_macro_derive(LabelValue, attributes(label))]
pub fn derive_label_value(input: TokenStream) -> TokenStream {
    derive::label_value(syn::parse_macro_input!(input))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `LabelSet` for a struct of label values: see `metrics_core::LabelSet`.
#[proc_macro_derive(LabelSet, attributes(label))]
pub fn derive_label_set(input: TokenStream) -> TokenStream {
    derive::label_set(syn::parse_macro_input!(input))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
