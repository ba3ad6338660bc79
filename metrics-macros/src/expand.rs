//! The code `#[metric]` writes: the static's initializer and its entry in the link-time list.

use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
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
    let cfgs = attrs.iter().filter(|attr| attr.path().is_ident("cfg"));

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
                };
            <#ty>::__new(&__METRIC_DESCRIPTOR)
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
