use migsafe_runtime::touches;

#[touches(reed(orders.id), write(orders.status))]
fn settle() {}

fn main() {
    settle();
}
