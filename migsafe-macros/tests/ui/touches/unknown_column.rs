use migsafe_runtime::touches;

#[touches(read(orders.id, orders.totl_cents), write(orders.status))]
fn settle() {}

fn main() {
    settle();
}
