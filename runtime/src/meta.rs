//! What the macro knows about a bound script, function library or library function, kept
//! as constants: plain data, read by the rest of the runtime.

use crate::reply::ReplyShape;

/// Everything the runtime needs to know about a bound script: built at compile time by
/// `#[redis_script]` and available as `YourScript::META`.
///
/// `#[redis_library]` describes a function library the same way (`YourLibrary::LIBRARY`),
/// and each of its functions too, so errors, loads and batches treat scripts and
/// functions alike; [`kind`](Self::kind) tells them apart.
#[derive(Debug)]
pub struct ScriptMeta(ScriptParts);

/// What a [`ScriptMeta`] describes.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum ScriptKind {
    /// A script, run with `EVALSHA`.
    Script,
    /// A Redis Functions library, loaded with `FUNCTION LOAD`.
    Library {
        /// The library's name, from its `#!lua name=` line.
        name: &'static str,
    },
    /// A function of a library, run with `FCALL` (`FCALL_RO` when registered with the
    /// `no-writes` flag).
    Function {
        /// The library that registers it.
        library: &'static ScriptMeta,
        /// The name it is registered by.
        name: &'static str,
    },
}

/// The parts of a [`ScriptMeta`], as the generated code spells them out.
#[doc(hidden)]
#[derive(Debug)]
pub struct ScriptParts {
    /// The bound Rust item's name.
    pub name: &'static str,
    /// The script's path from the crate root.
    pub path: &'static str,
    /// SHA1 of `source`.
    pub sha1: &'static str,
    /// The text sent to Redis.
    pub source: &'static str,
    /// The reply shape RETURNS declares.
    pub returns: &'static ReplyShape,
    /// RETURNS as written, for messages.
    pub returns_declared: &'static str,
    /// Whether the shebang declares `no-writes`.
    pub read_only: bool,
    /// The server it was checked for: `redis-7.0`, `valkey-9.0`.
    pub target: &'static str,
    /// Where each line of `source` was written.
    pub source_map: SourceMap,
    /// A script, a library or a function.
    pub kind: ScriptKind,
}

/// Where the lines of a script's text were written: in the script's own file, or in a
/// file it pulled in with `--- @include`. Redis numbers lines in the text it was sent;
/// this map turns such a line into the file and line to open.
///
/// ```
/// # use redis_script::ScriptMeta;
/// # fn show(meta: &ScriptMeta) {
/// if let Some(at) = meta.source_map().locate(17) {
///     println!("{}:{}", at.path(), at.line());
///     for outer in at.included_from() {
///         println!("  included from {}:{}", outer.path(), outer.line());
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceMap {
    files: &'static [SourceFile],
    segments: &'static [Segment],
}

/// One file of a script: its path from the crate root, and where it was included from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceFile {
    path: &'static str,
    /// The including file (an index in the map's files) and the line of the `@include`.
    included_from: Option<(usize, usize)>,
}

/// A run of lines of the script's text that come from one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub struct Segment {
    /// The run's first line in the script's text (1-based).
    first_line: usize,
    /// The file, an index in the map's files.
    file: usize,
    /// The run's first line in that file.
    file_line: usize,
}

/// A line in the file it was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceLocation {
    map: SourceMap,
    file: usize,
    line: usize,
}

impl SourceMap {
    /// A map from `files` (the script's own first) and `segments` (in order).
    pub(crate) const fn new(files: &'static [SourceFile], segments: &'static [Segment]) -> Self {
        Self { files, segments }
    }

    /// The files of the script: its own first, then those it includes, in the order met.
    pub fn files(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.files.iter().map(|file| file.path)
    }

    /// Whether the script pulls in other files.
    pub fn has_includes(&self) -> bool {
        self.files.len() > 1
    }

    /// Where line `line` (1-based) of the script's text was written; `None` for a line the
    /// map does not know.
    pub fn locate(&self, line: usize) -> Option<SourceLocation> {
        let segment = self.segments.iter().rev().find(|s| s.first_line <= line)?;
        self.files.get(segment.file)?;
        Some(SourceLocation {
            map: *self,
            file: segment.file,
            line: segment.file_line + (line - segment.first_line),
        })
    }
}

impl SourceFile {
    /// A file at `path`, included from line `line` of the file at index `file`.
    pub(crate) const fn new(path: &'static str, included_from: Option<(usize, usize)>) -> Self {
        Self {
            path,
            included_from,
        }
    }
}

impl Segment {
    /// Lines from `first_line` of the script's text on come from file `file`, from its
    /// line `file_line` on.
    pub(crate) const fn new(first_line: usize, file: usize, file_line: usize) -> Self {
        Self {
            first_line,
            file,
            file_line,
        }
    }
}

impl SourceLocation {
    /// The file's path from the crate root, e.g. `lua_scripts/includes/store.lua`.
    pub fn path(&self) -> &'static str {
        self.map.files[self.file].path
    }

    /// The line in that file (1-based).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The `@include` lines that led to this file, innermost first; empty for the
    /// script's own file.
    pub fn included_from(&self) -> Vec<SourceLocation> {
        let mut chain = Vec::new();
        let mut file = self.map.files[self.file];
        while let Some((parent, line)) = file.included_from {
            chain.push(SourceLocation {
                map: self.map,
                file: parent,
                line,
            });
            file = self.map.files[parent];
        }
        chain
    }
}

impl std::fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.path(), self.line)
    }
}

impl ScriptMeta {
    /// Describes a script from its parts.
    pub(crate) const fn from_parts(parts: ScriptParts) -> Self {
        Self(parts)
    }

    /// The name of the Rust item the script is bound to, e.g. `RateLimiter`; for a
    /// library function, its library's item and its method, e.g. `RateLimit::allow`.
    pub const fn name(&self) -> &'static str {
        self.0.name
    }

    /// A script, a library or a library function.
    pub const fn kind(&self) -> ScriptKind {
        self.0.kind
    }

    /// The library a function belongs to, or the library itself; `None` for a script.
    pub const fn library(&'static self) -> Option<&'static ScriptMeta> {
        match self.0.kind {
            ScriptKind::Script => None,
            ScriptKind::Library { .. } => Some(self),
            ScriptKind::Function { library, .. } => Some(library),
        }
    }

    /// The name Redis knows the library by (its `#!lua name=`): of the library, or of a
    /// function's library; `None` for a script.
    pub const fn library_name(&self) -> Option<&'static str> {
        match self.0.kind {
            ScriptKind::Script => None,
            ScriptKind::Library { name } => Some(name),
            ScriptKind::Function { library, .. } => library.library_name(),
        }
    }

    /// The registered name of a library function, which `FCALL` calls it by.
    pub const fn function_name(&self) -> Option<&'static str> {
        match self.0.kind {
            ScriptKind::Function { name, .. } => Some(name),
            _ => None,
        }
    }

    /// Whether this is a library function.
    pub const fn is_function(&self) -> bool {
        matches!(self.0.kind, ScriptKind::Function { .. })
    }

    /// What it is, for messages: `script RateLimiter`, `library ratelimit`, `function
    /// allow of library ratelimit`.
    pub fn describe(&self) -> String {
        match self.0.kind {
            ScriptKind::Script => format!("script {}", self.0.name),
            ScriptKind::Library { name } => format!("library {name}"),
            ScriptKind::Function { library, name } => format!(
                "function {name} of library {}",
                library.library_name().unwrap_or_default()
            ),
        }
    }

    /// The script's path from the crate root, e.g. `lua_scripts/rate_limiter.lua`.
    pub const fn path(&self) -> &'static str {
        self.0.path
    }

    /// SHA1 of the source: the name Redis knows the script by (for a library and its
    /// functions, the library's source: what tells two versions apart).
    pub const fn sha1(&self) -> &'static str {
        self.0.sha1
    }

    /// The script's source, exactly the bytes sent to `SCRIPT LOAD` (for a library and its
    /// functions, to `FUNCTION LOAD`).
    pub const fn source(&self) -> &'static str {
        self.0.source
    }

    /// The SHA1 the script is sent (and loaded) under now: [`sha1`](Self::sha1), or,
    /// while coverage is recorded (feature `coverage`), that of its coverage-mode text.
    pub fn sent_sha1(&self) -> &'static str {
        #[cfg(feature = "coverage")]
        if let Some(map) = crate::coverage::sent(self) {
            return map.text_sha1;
        }
        self.sha1()
    }

    /// The text the script is sent (and loaded) as now: [`source`](Self::source), or,
    /// while coverage is recorded (feature `coverage`), its coverage-mode text, which runs
    /// the same and counts its lines.
    pub fn sent_source(&self) -> &'static str {
        #[cfg(feature = "coverage")]
        if let Some(map) = crate::coverage::sent(self) {
            return map.text;
        }
        self.source()
    }

    /// The reply shape RETURNS declares.
    pub const fn returns(&self) -> &'static ReplyShape {
        self.0.returns
    }

    /// RETURNS as declared in the header, for messages.
    pub const fn returns_declared(&self) -> &'static str {
        self.0.returns_declared
    }

    /// Whether the script's shebang declares `no-writes` (a function: its registration's
    /// flags): it then goes out as `EVALSHA_RO` (`FCALL_RO`), runs on replicas, and Redis
    /// refuses any write it attempts.
    pub const fn read_only(&self) -> bool {
        self.0.read_only
    }

    /// Whether the code declares its flags (a `#!lua` line, or a library's functions):
    /// Redis then checks a call against them before it starts (`OOM`, `READONLY`...), and
    /// a script that started cannot meet those refusals inside.
    pub(crate) fn declares_flags(&self) -> bool {
        !matches!(self.0.kind, ScriptKind::Script) || self.0.source.starts_with("#!")
    }

    /// The server the script was checked for at compile time, and its oldest version:
    /// `redis-7.0` (the default), `redis-8.0`, `valkey-9.0`... [`load_all`](crate::load_all)
    /// refuses to load it on an older server.
    pub const fn target(&self) -> &'static str {
        self.0.target
    }

    /// Where each line of [`source`](Self::source) was written: the script's file, or a
    /// file it includes.
    pub const fn source_map(&self) -> &SourceMap {
        &self.0.source_map
    }

    /// Line `line` (1-based) of the source.
    pub fn source_line(&self, line: usize) -> Option<&'static str> {
        let text = self.0.source.split('\n').nth(line.checked_sub(1)?)?;
        Some(text.strip_suffix('\r').unwrap_or(text))
    }
}

/// Implemented by every type `#[redis_script]` binds, for code generic over scripts.
pub trait Script {
    /// The script's description.
    const META: &'static ScriptMeta;
}

/// Implemented by every type `#[redis_library]` binds, for code generic over libraries.
pub trait Library {
    /// The library's description.
    const LIBRARY: &'static ScriptMeta;
}

/// A script for unit tests: `name` with `source`, replying `returns`.
#[cfg(test)]
pub(crate) const fn test_meta(
    name: &'static str,
    source: &'static str,
    returns: &'static ReplyShape,
    read_only: bool,
) -> ScriptMeta {
    ScriptMeta(ScriptParts {
        name,
        path: "lua_scripts/test.lua",
        sha1: "0123456789abcdef0123456789abcdef01234567",
        source,
        returns,
        returns_declared: "declared",
        read_only,
        target: "redis-7.0",
        source_map: TEST_MAP,
        kind: ScriptKind::Script,
    })
}

/// A library for unit tests, `counters`, with `source`.
#[cfg(test)]
pub(crate) const fn test_library(source: &'static str) -> ScriptMeta {
    ScriptMeta(ScriptParts {
        name: "Counters",
        path: "lua_scripts/test.lua",
        sha1: "89abcdef0123456789abcdef0123456789abcdef",
        source,
        returns: &ReplyShape::Any,
        returns_declared: "undeclared",
        read_only: false,
        target: "redis-7.0",
        source_map: TEST_MAP,
        kind: ScriptKind::Library { name: "counters" },
    })
}

/// The function `name` of `library`, for unit tests.
#[cfg(test)]
pub(crate) const fn test_function(
    library: &'static ScriptMeta,
    name: &'static str,
    read_only: bool,
) -> ScriptMeta {
    ScriptMeta(ScriptParts {
        name,
        path: library.path(),
        sha1: library.sha1(),
        source: library.source(),
        returns: &ReplyShape::Int,
        returns_declared: "int",
        read_only,
        target: "redis-7.0",
        source_map: TEST_MAP,
        kind: ScriptKind::Function { library, name },
    })
}

/// The source map of [`test_meta`]'s scripts: one file.
#[cfg(test)]
const TEST_MAP: SourceMap = SourceMap::new(
    &[SourceFile::new("lua_scripts/test.lua", None)],
    &[Segment::new(1, 0, 1)],
);
