// @generated automatically by Diesel CLI.
//
// `legacy_sku` is left out on purpose (release 1.8 stopped using it; it is
// dropped once no running release declares it).

diesel::table! {
    products (id) {
        id -> Integer,
        name -> Text,
        price_cents -> Integer,
        sku -> Nullable<Text>,
    }
}
