//! Redis versions, for the `target` a script is checked for.

/// A Redis version, `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RedisVersion {
    /// Major version.
    pub major: u32,
    /// Minor version.
    pub minor: u32,
}

impl RedisVersion {
    /// The version the tables were read from, and the default target: 7.0.
    pub const BASELINE: Self = Self::new(7, 0);

    /// `major.minor`.
    pub const fn new(major: u32, minor: u32) -> Self {
        Self { major, minor }
    }

    /// `7.4`.
    pub fn text(self) -> String {
        format!("{}.{}", self.major, self.minor)
    }

    /// Parses `"7.4"` (a patch number is accepted and ignored).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
        Some(Self { major, minor })
    }
}
