//! The `#[metric]` attribute of `metrics-core`. Use it through `metrics_core::metric`: the code
//! it generates names `::metrics_core`.

mod ast;
mod attr;
mod expand;
mod lint;
mod namespace;
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
