//! Finding the scripts and libraries the paths name, reading and analyzing them.
//!
//! A folder is a scripts folder: every `.lua` file under it is checked, and `@include`
//! lines are resolved inside it, as the macros resolve them inside `lua_scripts/`. A file
//! named on its own belongs to the nearest folder above it named `lua_scripts` (else to
//! its own folder). Files that another file of the folder includes are fragments, checked
//! through the files that include them.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use redis_script_analyzer::{Analysis, Diagnostic, Library, Options, Script, Sources, Target};

use crate::settings::CrateSettings;

/// A script or library file to work on.
#[derive(Debug, Clone)]
pub struct ScriptFile {
    /// The scripts folder it belongs to.
    pub root: PathBuf,
    /// Its path inside `root`, with `/` separators.
    pub relative: String,
    /// Its text.
    pub text: String,
}

/// What a file is, read.
#[derive(Debug, Clone)]
pub enum Model {
    /// A script.
    Script(Box<Script>),
    /// A Redis Functions library.
    Library(Library),
}

/// A file, analyzed.
#[derive(Debug)]
pub struct Checked {
    /// The file.
    pub file: ScriptFile,
    /// The model, when its header (or `#!lua name=` line) could be read.
    pub model: Option<Model>,
    /// Every problem, in the expanded text's terms (see [`Sources::mapped`]).
    pub diagnostics: Vec<Diagnostic>,
    /// The files it is made of and the text sent, paths as the user wrote them.
    pub sources: Sources,
}

impl ScriptFile {
    /// The path to show for it: its folder as given, then its path inside.
    pub fn display(&self) -> String {
        format!("{}/{}", display_root(&self.root), self.relative)
    }

    /// Whether it is a Redis Functions library: line 1 is `#!lua name=...`.
    pub fn is_library(&self) -> bool {
        self.text.lines().next().is_some_and(|line| {
            line.starts_with("#!") && line.to_ascii_lowercase().contains(" name=")
        })
    }

    /// The text sent for the file (its `@include`s expanded), and the problems of the
    /// includes.
    pub fn expand(&self) -> (Sources, Vec<Diagnostic>) {
        let (mut sources, mut problems) =
            redis_script_analyzer::expand(&self.root, &self.relative, &self.text);
        self.rename(&mut sources, &mut problems);
        (sources, problems)
    }

    /// The text sent for the file; `None` after printing the problems of its includes.
    pub fn expanded(&self) -> Option<Sources> {
        let (sources, problems) = self.expand();
        if problems.is_empty() {
            return Some(sources);
        }
        print_errors(&sources, &problems);
        None
    }

    /// The analyzer names files `lua_scripts/...`, as a crate's macros see them: shows
    /// the folder as the user gave it, in the files' paths and in what the diagnostics say
    /// (a missing include's help names the file it looked for).
    fn rename(&self, sources: &mut Sources, diagnostics: &mut [Diagnostic]) {
        let root = display_root(&self.root);
        if root == "lua_scripts" {
            return;
        }
        let renamed = |text: &str| text.replace("lua_scripts/", &format!("{root}/"));
        for file in &mut sources.files {
            file.path = renamed(&file.path);
        }
        for diagnostic in diagnostics {
            diagnostic.message = renamed(&diagnostic.message);
            diagnostic.help = diagnostic.help.as_deref().map(renamed);
            for note in &mut diagnostic.notes {
                *note = renamed(note);
            }
        }
    }

    /// Reads and checks the file, includes expanded, for `options`.
    pub fn check(&self, options: &Options) -> Checked {
        let (model, mut diagnostics, mut sources) = if self.is_library() {
            let analysis = redis_script_analyzer::check_library_file(
                &self.root,
                &self.relative,
                &self.text,
                options,
            );
            parts(analysis, Model::Library)
        } else {
            let analysis =
                redis_script_analyzer::check_file(&self.root, &self.relative, &self.text, options);
            parts(analysis, |script| Model::Script(Box::new(script)))
        };
        self.rename(&mut sources, &mut diagnostics);
        Checked {
            file: self.clone(),
            model,
            diagnostics,
            sources,
        }
    }
}

fn parts<M>(
    analysis: Analysis<M>,
    wrap: impl FnOnce(M) -> Model,
) -> (Option<Model>, Vec<Diagnostic>, Sources) {
    (
        analysis.model.map(wrap),
        analysis.diagnostics,
        analysis.sources,
    )
}

impl Checked {
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == redis_script_analyzer::Severity::Error)
    }
}

/// Prints the errors of `diagnostics` on stderr, at the files and lines they point at.
pub fn print_errors(sources: &Sources, diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics
        .iter()
        .filter(|d| d.severity == redis_script_analyzer::Severity::Error)
    {
        let (path, text, mapped) = sources.mapped(diagnostic);
        eprintln!("error: {}\n", mapped.render(path, text));
    }
}

/// `root` as the user wrote it, without a trailing `/`.
fn display_root(root: &Path) -> String {
    let text = root.to_string_lossy();
    let text = text.trim_end_matches('/');
    if text.is_empty() {
        ".".to_owned()
    } else {
        text.to_owned()
    }
}

/// The options for `target` (the default target when `None`).
pub fn options(target: Option<&str>) -> Result<Options, String> {
    let mut options = Options::default();
    if let Some(target) = target {
        options.target = Target::parse(target)?;
    }
    Ok(options)
}

/// How the command line asks files to be checked: a target for all, rule levels over
/// those of each file's crate.
#[derive(Debug, Default, Clone)]
pub struct Asked {
    /// `--target`.
    pub target: Option<String>,
    /// `--allow`, `--warn`, `--deny`.
    pub levels: redis_script_analyzer::RuleLevels,
}

/// Checks files with the options the command line asks for over those of each file's
/// crate (whose settings are read once per scripts folder).
#[derive(Debug)]
pub struct Checker {
    asked: Asked,
    crates: HashMap<PathBuf, CrateSettings>,
    /// Texts of files not saved yet, read instead of the files (an editor's buffers).
    pub unsaved: std::sync::Arc<HashMap<PathBuf, String>>,
}

impl Checker {
    /// A checker for what the command line asks.
    pub fn new(asked: Asked) -> Self {
        Self {
            asked,
            crates: HashMap::new(),
            unsaved: Default::default(),
        }
    }

    /// The options `file` is checked with: the target asked, else the target its crate
    /// gives it (see [`crate::settings`]); the crate's rule levels under those asked.
    pub fn options(&mut self, file: &ScriptFile) -> Result<Options, String> {
        let crate_settings = self
            .crates
            .entry(file.root.clone())
            .or_insert_with(|| CrateSettings::of(&file.root));
        let mut options = match &self.asked.target {
            Some(target) => options(Some(target))?,
            None => options(crate_settings.of_file(&file.relative)).map_err(|message| {
                format!(
                    "the crate of {} gives a target redis-script does not know: {message}",
                    file.display()
                )
            })?,
        };
        let crate_levels = crate_settings
            .levels
            .as_ref()
            .map_err(|message| format!("the crate of {}: {message}", file.display()))?;
        options.levels = crate_levels.overridden_by(&self.asked.levels);
        options.overlay = crate_settings
            .overlay_of(&file.relative)
            .map_err(|message| format!("the binding of {}: {message}", file.display()))?;
        options.unsaved = self.unsaved.clone();
        Ok(options)
    }

    /// Checks `file` with its [`options`](Self::options).
    pub fn check(&mut self, file: &ScriptFile) -> Result<Checked, String> {
        let options = self.options(file)?;
        Ok(file.check(&options))
    }

    /// Forgets what was read of the crates, so their settings are read again.
    pub fn forget_crates(&mut self) {
        self.crates.clear();
    }
}

/// Every script and library file `paths` name, in path order.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<ScriptFile>, String> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut files = Vec::new();
            lua_files(path, &mut files)?;
            if files.is_empty() {
                // A wrong path must not pass a CI step as "checked 0 files".
                return Err(format!(
                    "{} holds no .lua file: name the folder of your scripts (lua_scripts/ in a crate that binds them), or the files",
                    path.display()
                ));
            }
            files.sort();
            for file in files {
                found.push(read(path, &file)?);
            }
        } else if path.is_file() {
            found.push(read(&root_of(path), path)?);
        } else {
            return Err(format!("{} does not exist", path.display()));
        }
    }
    Ok(found)
}

/// The file at `path` with `text` (an editor's unsaved text), in the scripts folder of
/// a file named on its own.
pub fn with_text(path: &Path, text: String) -> ScriptFile {
    let root = root_of(path);
    let relative = path
        .strip_prefix(&root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    ScriptFile {
        root,
        relative,
        text,
    }
}

/// Every `.lua` file under `folder`, without following symbolic links; what cannot be
/// read is skipped.
pub fn lua_files_under(folder: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            lua_files_under(&path, out);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "lua") {
            out.push(path);
        }
    }
}

/// One file, named on its own.
pub fn one(path: &Path) -> Result<ScriptFile, String> {
    if !path.is_file() {
        return Err(format!("{} is not a file", path.display()));
    }
    read(&root_of(path), path)
}

/// The scripts folder of a file named on its own.
fn root_of(file: &Path) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new(".")).to_path_buf();
    parent
        .ancestors()
        .find(|dir| dir.file_name().is_some_and(|name| name == "lua_scripts"))
        .map(Path::to_path_buf)
        .unwrap_or(parent)
}

fn read(root: &Path, file: &Path) -> Result<ScriptFile, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|error| format!("cannot read {}: {error}", file.display()))?;
    let relative = file
        .strip_prefix(root)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/");
    let root = if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root.to_path_buf()
    };
    Ok(ScriptFile {
        root,
        relative,
        text,
    })
}

fn lua_files(folder: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(folder)
        .map_err(|error| format!("cannot read {}: {error}", folder.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|error| format!("cannot read {}: {error}", folder.display()))?
            .path();
        if path.is_dir() {
            lua_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "lua") {
            out.push(path);
        }
    }
    Ok(())
}

/// `checked` without the files that others include (checked through those), unless
/// their path was named on its own.
pub fn entry_points(checked: Vec<Checked>) -> Vec<Checked> {
    let included: HashSet<PathBuf> = checked
        .iter()
        .flat_map(|c| c.sources.files.iter().skip(1))
        .filter_map(|file| file.absolute.clone())
        .collect();
    checked
        .into_iter()
        .filter(|c| {
            let path = c.file.root.join(&c.file.relative);
            let absolute = path.canonicalize().unwrap_or(path);
            !included.contains(&absolute)
        })
        .collect()
}
