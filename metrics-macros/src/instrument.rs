//! `#[timed]`, `#[count_errors]` and `#[derive(ErrorKind)]`: instrumentation of functions.

use metrics_naming::snake_case;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, ExprArray, Fields, ItemFn, Path, ReturnType, Token};

/// `METRIC` or `METRIC, labels = ["value", ...]`.
struct Target {
    metric: Path,
    labels: Vec<Expr>,
}

impl Parse for Target {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(syn::Error::new(
                proc_macro2::Span::call_site(),
                "name the metric to record into: `#[timed(HTTP_REQUEST_DURATION_SECONDS)]`, \
                 `#[count_errors(ERRORS_TOTAL)]`",
            ));
        }
        let metric: Path = input.parse()?;
        let mut labels = Vec::new();
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
            if !input.is_empty() {
                let key: syn::Ident = input.parse()?;
                if key != "labels" {
                    return Err(syn::Error::new(
                        key.span(),
                        "the only argument after the metric is `labels = [\"value\", ...]`: the \
                         values of its labels",
                    ));
                }
                input.parse::<Token![=]>()?;
                let list: ExprArray = input.parse()?;
                labels = list.elems.into_iter().collect();
                let _ = input.parse::<Option<Token![,]>>()?;
            }
        }
        Ok(Target { metric, labels })
    }
}

pub fn timed(args: TokenStream, input: TokenStream) -> syn::Result<TokenStream> {
    let target: Target = syn::parse2(args)?;
    let function: ItemFn = syn::parse2(input)?;
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = function;
    let metric = &target.metric;
    let start = if target.labels.is_empty() {
        quote_spanned! {metric.span()=>
            let __metrics_timer = (&#metric).start_timer();
        }
    } else {
        // Looked up when the timer observes: no series handle is held across the call (an
        // `async fn` stays `Send`, and a series removed meanwhile is not written to).
        let labels = &target.labels;
        quote_spanned! {metric.span()=>
            let __metrics_timer =
                ::metrics_core::__private::LabelledTimer::start(&#metric, [#(#labels),*]);
        }
    };
    let statements = &block.stmts;
    // The timer is the first local, so it is dropped last: after the body's own locals, on
    // every return path, on unwinding, and (async) when the future completes or is dropped.
    Ok(quote! {
        #(#attrs)*
        #vis #sig {
            #start
            #(#statements)*
        }
    })
}

pub fn count_errors(args: TokenStream, input: TokenStream) -> syn::Result<TokenStream> {
    let target: Target = syn::parse2(args)?;
    let function: ItemFn = syn::parse2(input)?;
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = function;
    let ReturnType::Type(_, output) = &sig.output else {
        return Err(syn::Error::new(
            sig.span(),
            "#[count_errors] goes on a function that returns a `Result`",
        ));
    };
    let metric = &target.metric;
    let labels = &target.labels;
    let statements = &block.stmts;
    // The body runs in a closure (an async block for an async fn) so that `return` and `?`
    // come back here with the result.
    let run = if sig.asyncness.is_some() {
        quote! {
            ::metrics_core::__private::future_of::<#output, _>(async move { #(#statements)* }).await
        }
    } else {
        quote! {
            ::metrics_core::__private::call_once::<#output, _>(move || { #(#statements)* })
        }
    };
    let result = format_ident!("__metrics_result");
    let count = quote_spanned! {metric.span()=>
        if let ::core::result::Result::Err(error) = &#result {
            #metric
                .with_label_values(&[#(#labels,)* ::metrics_core::ErrorKind::error_kind(error)])
                .inc();
        }
    };
    Ok(quote! {
        #(#attrs)*
        #vis #sig {
            let #result: #output = #run;
            #count
            #result
        }
    })
}

pub fn derive_error_kind(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "#[derive(ErrorKind)] names each variant of an enum; for a struct, implement \
             `metrics_core::ErrorKind` by hand",
        ));
    };
    let ident = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let arms = data.variants.iter().map(|variant| {
        let name = &variant.ident;
        let kind = snake_case(&name.to_string());
        let pattern = match &variant.fields {
            Fields::Unit => quote!(Self::#name),
            Fields::Unnamed(_) => quote!(Self::#name(..)),
            Fields::Named(_) => quote!(Self::#name { .. }),
        };
        quote!(#pattern => #kind)
    });
    let body = if data.variants.is_empty() {
        quote!(match *self {})
    } else {
        quote!(match self { #(#arms,)* })
    };
    Ok(quote! {
        impl #impl_generics ::metrics_core::ErrorKind for #ident #type_generics #where_clause {
            fn error_kind(&self) -> &'static str {
                #body
            }
        }
    })
}
