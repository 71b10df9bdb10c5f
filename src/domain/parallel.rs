//! Work over many independent items (every person of an organisation) shared among the
//! machine's cores, the results in the items' order.

/// `items.iter().filter_map(f)`, the items split into one run of consecutive items per core
/// (inline when there are few). A panic in `f` is passed on.
pub fn filter_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> Option<R> + Sync) -> Vec<R> {
    /// Below this many items a thread costs more than it saves.
    const MIN_PER_THREAD: usize = 64;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len() / MIN_PER_THREAD);
    if threads < 2 {
        return items.iter().filter_map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let runs: Vec<_> = items
            .chunks(chunk)
            .map(|run| scope.spawn(move || run.iter().filter_map(f).collect::<Vec<R>>()))
            .collect();
        runs.into_iter()
            .flat_map(|run| run.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_items_order() {
        for n in [0usize, 1, 63, 64, 65, 200, 1_001] {
            let items: Vec<usize> = (0..n).collect();
            let f = |&i: &usize| (i % 3 != 0).then_some(i * 2);
            let expected: Vec<usize> = items.iter().filter_map(f).collect();
            assert_eq!(super::filter_map(&items, f), expected, "{n} items");
        }
    }
}
