//! The `#[metric]` attribute and the typed-label derives of `metrics-core`. Use it through `metrics_core::metric`: the code
//! it generates names `::metrics_core`.

mod ast;
mod attr;
mod derive;
mod expand;
mod instrument;
mod lint;
mod namespace;
mod naming_table;
#[cfg(test)]
mod snapshot;
mod subsystem;
mod valid;

use proc_macro::TokenStream;

/// Declares a metric: see the `metrics-core` crate documentation.
#[proc_macro_attribute]
pub fn metric(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::metric(args.into(), input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Times every call of the function into a histogram or summary: see `metrics_core::timed`.
#[proc_macro_attribute]
pub fn timed(args: TokenStream, input: TokenStream) -> TokenStream {
    instrument::timed(args.into(), input.into())
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

/// Counts the errors a function returns, by kind: see `metrics_core::count_errors`.
#[proc_macro_attribute]
pub fn count_errors(args: TokenStream, input: TokenStream) -> TokenStream {
    instrument::count_errors(args.into(), input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `metrics_core::ErrorKind` for an enum: each variant's name in snake_case.
#[proc_macro_derive(ErrorKind)]
pub fn derive_error_kind(input: TokenStream) -> TokenStream {
    instrument::derive_error_kind(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Puts a subsystem in front of the names of every `#[metric]` in an inline module: see
/// `metrics_core::subsystem`.
#[proc_macro_attribute]
pub fn subsystem(args: TokenStream, input: TokenStream) -> TokenStream {
    subsystem::subsystem(args.into(), input.into())
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

/// What `#[metric]` decides about a table of names: see `naming_table.rs`. For the workspace's
/// tests only.
#[doc(hidden)]
#[proc_macro]
pub fn __naming_verdicts(input: TokenStream) -> TokenStream {
    naming_table::verdicts(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
