use migsafe_runtime::touches;

#[touches(read(orders.id, status))]
fn settle() {}

fn main() {
    settle();
}
