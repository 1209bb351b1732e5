use migsafe_runtime::Table;

// The sqlx mapping of a FromRow struct is read (rename_all, rename, skip), but a
// flattened struct is not visible from here.
#[derive(Table)]
#[migsafe(table = "customers")]
#[sqlx(rename_all = "snake_case")]
pub struct Customer {
    pub id: i64,
    #[sqlx(rename = "display_name")]
    pub name: Option<String>,
    #[sqlx(flatten)]
    pub contact: Contact,
}

pub struct Contact {
    pub email: String,
}

fn main() {}
