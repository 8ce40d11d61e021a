//! Plain substring filtering for the popup, until the ranked search lands.

use crate::model::Environment;

/// Indices of entries whose display name, account ID or role contain every
/// whitespace-separated term of `query` (case-insensitive), in list order.
pub fn search_simple(envs: &[Environment], query: &str) -> Vec<u32> {
    let terms: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    envs.iter()
        .enumerate()
        .filter(|(_, e)| {
            let hay = format!(
                "{} {} {} {}",
                e.display_name,
                e.account_id,
                e.account_display(),
                e.role_name
            )
            .to_lowercase();
            terms.iter().all(|t| hay.contains(t.as_str()))
        })
        .map(|(i, _)| i as u32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::example_environments;

    #[test]
    fn terms_must_all_match() {
        let envs = example_environments();
        assert_eq!(search_simple(&envs, ""), vec![0, 1]);
        assert_eq!(search_simple(&envs, "PROD"), vec![1]);
        assert_eq!(search_simple(&envs, "4444-5555"), vec![1]);
        assert_eq!(search_simple(&envs, "test 1111"), vec![0]);
        assert_eq!(search_simple(&envs, "test 4444"), Vec::<u32>::new());
    }
}
