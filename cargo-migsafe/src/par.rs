//! Spreading independent work (a workspace's databases) over the cores.
//!
//! `std::thread::scope` is all it takes: a handful of items, each a large
//! job, on the two to a few cores a CI runner has; a work-stealing pool
//! (rayon) would add a dependency for nothing it does better here.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// `f` over `items`, on up to as many threads as there are cores, the
/// results in the order of `items`. One item (or one core) runs here, on
/// this thread. A panic in `f` is resumed on this thread.
pub fn map_in_order<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = items.get(i) else { break };
        let r = f(item);
        if let Ok(mut slot) = slots[i].lock() {
            *slot = Some(r);
        }
    };
    std::thread::scope(|s| {
        // Deep stacks, as for the migrations thread: statement and syntax trees nest.
        let helpers: Vec<_> = (1..threads).filter_map(|_| std::thread::Builder::new().stack_size(64 << 20).spawn_scoped(s, work).ok()).collect();
        work();
        for h in helpers {
            if let Err(panic) = h.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
    // Every slot is filled (a panic in `f` was resumed above); a slot left
    // empty all the same is computed here rather than lost.
    slots.into_iter().zip(items).map(|(slot, item)| slot.into_inner().ok().flatten().unwrap_or_else(|| f(item))).collect()
}

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..50).collect();
        // Uneven work, so threads finish out of order.
        let out = map_in_order(&items, |&i| {
            std::thread::sleep(std::time::Duration::from_millis((50 - i) % 7));
            i * i
        });
        assert_eq!(out, items.iter().map(|i| i * i).collect::<Vec<_>>());
        assert_eq!(map_in_order(&[] as &[u8], |&x| x), Vec::<u8>::new());
        assert_eq!(map_in_order(&[3], |&x| x + 1), vec![4]);
    }
}
