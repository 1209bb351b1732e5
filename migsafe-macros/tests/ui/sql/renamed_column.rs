use migsafe_runtime::sql;

// note was renamed to remark by 20240301000000_rename_note.sql.
const NOTE: &str = sql!("UPDATE orders SET note = $1 WHERE id = $2");

fn main() {
    let _ = NOTE;
}
