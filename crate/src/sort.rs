//! One stable sort for the core's lists, compiled once.
//!
//! `slice::sort_by` is instantiated for every element type and comparator, about 6 KB of .wasm each (eight of
//! them made a fifth of the page's first module's code). This sort orders indices with a comparator behind
//! `dyn`, so the sorting code exists once, and then moves the elements into that order. It is as stable as
//! `sort_by`: equal elements keep their order.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal elements in their order (like `slice::sort_by`).
pub fn sort_by<T>(items: &mut Vec<T>, mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = {
        let items: &[T] = items;
        sorted_indices(items.len(), &mut |a, b| match (items.get(a), items.get(b)) {
            (Some(a), Some(b)) => compare(a, b),
            _ => Ordering::Equal,
        })
    };
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)));
}

/// Sorts `items` by the key `key` gives, keeping equal elements in their order (like `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// `0..n` in the order `compare` gives for the elements at those indices; the one instance of std's sort.
fn sorted_indices(n: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_and_keeps_equal_elements_in_order() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (0, 'f')];
        sort_by_key(&mut v, |&(k, _)| k);
        assert_eq!(v, [(0, 'f'), (1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
    }

    #[test]
    fn same_order_as_std_for_values_that_are_not_copy() {
        let words = ["pear", "fig", "apple", "kiwi", "plum", "date", "lime", "banana", "fig", "yuzu"];
        for len in 0..=words.len() {
            let mut ours: Vec<String> = words[..len].iter().map(|w| (*w).to_owned()).collect();
            let mut std = ours.clone();
            sort_by(&mut ours, |a, b| a.len().cmp(&b.len()));
            std.sort_by_key(String::len);
            assert_eq!(ours, std);
        }
    }
}
