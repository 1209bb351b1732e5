//! Did-you-mean suggestions for misspelt tables, columns and enum values.

/// The closest candidate to `name`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, c)| *score >= 0.8 && *c != name)
        .max_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal))
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let cols = ["id", "total_cents", "status"];
        assert_eq!(did_you_mean("totl_cents", cols).as_deref(), Some("total_cents"));
        assert_eq!(did_you_mean("zzz", cols), None);
    }
}
