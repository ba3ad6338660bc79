//! `#[derive(LabelValue)]` and `#[derive(LabelSet)]`: typed labels.

use proc_macro2::{Group, Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, GenericParam, LitStr, Type};

use metrics_naming::{check_label_name, snake_case};

/// `impl LabelValue` (and `LabelSet`, a set of one label, and `States`, the states of a
/// `StateSet`) for a fieldless enum.
pub fn label_value(input: DeriveInput) -> syn::Result<TokenStream> {
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "#[derive(LabelValue)] is for fieldless enums (a closed set of values); \
             for a struct of labels use #[derive(LabelSet)]",
        ));
    };
    reject_generics(&input, "LabelValue")?;
    if data.variants.is_empty() {
        return Err(syn::Error::new(
            input.ident.span(),
            "a label value enum needs at least one variant",
        ));
    }
    let mut errors = Vec::new();
    let mut values: Vec<(String, Span)> = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            errors.push(syn::Error::new(
                variant.fields.span(),
                "a label value enum cannot have fields: its values are its variants",
            ));
        }
        let value = match rename(&variant.attrs)? {
            Some(renamed) => {
                if renamed.value().is_empty() {
                    errors.push(syn::Error::new(
                        renamed.span(),
                        "a label value cannot be empty: Prometheus treats an empty value as \
                         no label at all",
                    ));
                }
                (renamed.value(), renamed.span())
            }
            None => (
                snake_case(&variant.ident.unraw().to_string()),
                variant.ident.span(),
            ),
        };
        if let Some((_, first)) = values.iter().find(|(seen, _)| *seen == value.0) {
            let mut error = syn::Error::new(
                value.1,
                format!(
                    "two variants have the label value `{}`: rename one with \
                     #[label(rename = \"...\")]",
                    value.0
                ),
            );
            error.combine(syn::Error::new(*first, "the other one"));
            errors.push(error);
        }
        values.push(value);
    }
    if let Some(error) = combine(errors) {
        return Err(error);
    }

    let ident = &input.ident;
    let variants: Vec<_> = data.variants.iter().map(|variant| &variant.ident).collect();
    let indices = 0..variants.len();
    let texts: Vec<&String> = values.iter().map(|(value, _)| value).collect();
    Ok(quote! {
        impl ::metrics_core::LabelValue for #ident {
            type Static = #ident;
            const VALUES: ::core::option::Option<&'static [&'static str]> =
                ::core::option::Option::Some(&[#(#texts),*]);

            #[inline]
            fn index(&self) -> usize {
                match self {
                    #(Self::#variants => #indices,)*
                }
            }

            #[inline]
            fn with_str<__R>(&self, f: impl ::core::ops::FnOnce(&str) -> __R) -> __R {
                f(match self {
                    #(Self::#variants => #texts,)*
                })
            }
        }

        ::metrics_core::__label_set_of_one_value!(#ident);

        impl ::metrics_core::States for #ident {
            const NAMES: &'static [&'static str] = &[#(#texts),*];
            const ALL: &'static [Self] = &[#(Self::#variants),*];

            #[inline]
            fn state_index(&self) -> usize {
                ::metrics_core::LabelValue::index(self)
            }
        }
    })
}

/// `impl LabelSet` for a struct whose named fields are label values.
pub fn label_set(input: DeriveInput) -> syn::Result<TokenStream> {
    let fields = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(fields) if !fields.named.is_empty() => &fields.named,
            other => {
                return Err(syn::Error::new(
                    other
                        .span()
                        .join(input.ident.span())
                        .unwrap_or(input.ident.span()),
                    "#[derive(LabelSet)] is for structs with named fields: each field is a \
                     label, named after the field",
                ));
            }
        },
        _ => {
            return Err(syn::Error::new(
                input.ident.span(),
                "#[derive(LabelSet)] is for structs with named fields; for an enum of label \
                 values use #[derive(LabelValue)]",
            ));
        }
    };
    let lifetimes: Vec<_> = input
        .generics
        .params
        .iter()
        .map(|param| match param {
            GenericParam::Lifetime(lifetime) => Ok(&lifetime.lifetime),
            other => Err(syn::Error::new(
                other.span(),
                "a label set can only be generic over lifetimes (for borrowed `&str` values)",
            )),
        })
        .collect::<syn::Result<_>>()?;

    let mut errors = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut unbounded_checks = Vec::new();
    for field in fields {
        let ident = field.ident.as_ref().expect("named fields have names");
        let options = field_options(&field.attrs)?;
        let (name, span) = match options.rename {
            Some(renamed) => (renamed.value(), renamed.span()),
            None => (ident.unraw().to_string(), ident.span()),
        };
        if let Some(what) = metrics_naming::unbounded_label(&name).filter(|_| !options.unbounded) {
            // Fine if the field's type is a closed set (an enum): only the type knows.
            let message = crate::lint::unbounded_label_message(
                &name,
                what,
                "`#[label(unbounded)]` on the field",
            );
            let ty = static_lifetimes(&field.ty);
            unbounded_checks.push(quote_spanned! {span=>
                const _: () = if <#ty as ::metrics_core::LabelValue>::VALUES.is_none() {
                    ::core::panic!(#message)
                };
            });
        }
        if let Err(message) = check_label_name(&name) {
            errors.push(syn::Error::new(span, message.to_string()));
        } else if names.contains(&name) {
            errors.push(syn::Error::new(
                span,
                format!("two fields are the label `{name}`: rename one"),
            ));
        }
        names.push(name);
    }
    if let Some(error) = combine(errors) {
        return Err(error);
    }

    let ident = &input.ident;
    let statics = lifetimes.iter().map(|_| quote!('static));
    let static_type = if lifetimes.is_empty() {
        quote!(#ident)
    } else {
        quote!(#ident<#(#statics),*>)
    };
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let types: Vec<&Type> = fields.iter().map(|field| &field.ty).collect();
    let members: Vec<_> = fields.iter().map(|field| &field.ident).collect();
    let positions: Vec<usize> = (0..fields.len()).collect();
    let len = fields.len();
    // Spanned at each field's type, so a field that is not a label value is reported there.
    let checks = types.iter().map(|ty| {
        quote_spanned! {ty.span()=>
            must_be_a_label_value::<#ty>();
        }
    });
    Ok(quote! {
        #(#unbounded_checks)*

        const _: () = {
            fn must_be_a_label_value<T: ?::core::marker::Sized + ::metrics_core::LabelValue>() {}
            #[allow(dead_code)]
            fn fields_are_label_values #impl_generics () #where_clause {
                #(#checks)*
            }
        };

        impl #impl_generics ::metrics_core::LabelSet for #ident #type_generics #where_clause {
            type Static = #static_type;
            const NAMES: ::core::option::Option<&'static [&'static str]> =
                ::core::option::Option::Some(&[#(#names),*]);
            const LEN: usize = #len;
            const CARDINALITY: ::core::option::Option<usize> = {
                let product = ::core::option::Option::Some(1usize);
                #(
                    let product = ::metrics_core::__private::product(
                        product,
                        ::metrics_core::__private::cardinality::<#types>(),
                    );
                )*
                product
            };

            #[inline]
            fn series_index(&self) -> usize {
                let index = 0usize;
                // Wrapping: meaningful only for closed sets (see the trait).
                #(
                    let index = index
                        .wrapping_mul(::metrics_core::__private::radix::<#types>())
                        .wrapping_add(::metrics_core::LabelValue::index(&self.#members));
                )*
                index
            }

            fn closed_value(index: usize, label: usize) -> &'static str {
                let radices: [usize; #len] = [#(::metrics_core::__private::radix::<#types>()),*];
                let values: [fn(usize) -> &'static str; #len] =
                    [#(::metrics_core::__private::closed_value::<#types>),*];
                // Labels after `label` vary faster: divide them away.
                let mut rest = index;
                for radix in radices.iter().skip(label.saturating_add(1)) {
                    rest /= radix;
                }
                match (radices.get(label), values.get(label)) {
                    (::core::option::Option::Some(radix), ::core::option::Option::Some(value)) => {
                        value(rest % radix)
                    }
                    _ => "",
                }
            }

            #[inline]
            fn for_each_value(&self, mut f: impl ::core::ops::FnMut(usize, &str)) {
                #(
                    ::metrics_core::LabelValue::with_str(&self.#members, |value| f(#positions, value));
                )*
            }
        }
    })
}

fn reject_generics(input: &DeriveInput, derive: &str) -> syn::Result<()> {
    match input.generics.params.first() {
        Some(param) => Err(syn::Error::new(
            param.span(),
            format!("#[derive({derive})] does not support generic types"),
        )),
        None => Ok(()),
    }
}

/// The `"..."` of `#[label(rename = "...")]`.
fn rename(attrs: &[Attribute]) -> syn::Result<Option<LitStr>> {
    let mut renamed = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("label")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                renamed = Some(meta.value()?.parse::<LitStr>()?);
                Ok(())
            } else {
                Err(meta.error("unknown argument: the only one is `rename = \"...\"`"))
            }
        })?;
    }
    Ok(renamed)
}

/// What `#[label(...)]` says of a field of a label set.
#[derive(Default)]
struct FieldOptions {
    rename: Option<LitStr>,
    /// `#[label(unbounded)]`: the field's values are unbounded on purpose.
    unbounded: bool,
}

fn field_options(attrs: &[Attribute]) -> syn::Result<FieldOptions> {
    let mut options = FieldOptions::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("label")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                options.rename = Some(meta.value()?.parse::<LitStr>()?);
                Ok(())
            } else if meta.path.is_ident("unbounded") {
                options.unbounded = true;
                Ok(())
            } else {
                Err(meta
                    .error("unknown argument: a field takes `rename = \"...\"` and `unbounded`"))
            }
        })?;
    }
    Ok(options)
}

/// The type with every lifetime `'static`, to name it outside the struct's generics.
fn static_lifetimes(ty: &Type) -> TokenStream {
    fn replace(tokens: TokenStream) -> TokenStream {
        let mut out = Vec::new();
        let mut after_quote = false;
        for token in tokens {
            let token = match token {
                TokenTree::Group(group) => {
                    let mut replaced = Group::new(group.delimiter(), replace(group.stream()));
                    replaced.set_span(group.span());
                    TokenTree::Group(replaced)
                }
                TokenTree::Ident(ident) if after_quote => {
                    TokenTree::Ident(Ident::new("static", ident.span()))
                }
                other => other,
            };
            after_quote = matches!(&token, TokenTree::Punct(punct) if punct.as_char() == '\'');
            out.push(token);
        }
        out.into_iter().collect()
    }
    replace(ty.to_token_stream())
}
fn combine(errors: Vec<syn::Error>) -> Option<syn::Error> {
    errors.into_iter().reduce(|mut all, error| {
        all.combine(error);
        all
    })
}
