//! Graph files loaded once per process and shared.
//!
//! Why: a scenario that names a graph file is resolved more than once (by
//! `check`, by every point of a sweep, by each seed), and each resolution
//! needs the file's users and id map; parsing a billion-edge file again
//! each time would dominate the run. The first load of a (file, options)
//! pair is kept for the life of the process; every later one gets the same
//! [`GraphFile`], whose graph is an [`Arc`] the simulations share.

use super::cache::CacheOutcome;
use super::edgelist::{GraphFileError, LoadOptions, LoadStats, load_graph_file};
use super::{Graph, IdMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A loaded graph file, cheap to clone (the graph and ids are shared).
#[derive(Clone)]
pub struct GraphFile {
    /// The file as the scenario names it, relative paths resolved against
    /// the scenario's directory.
    pub path: PathBuf,
    /// How it was loaded (format, direction, cache).
    pub options: LoadOptions,
    /// The graph, dense ids 0..users.
    pub graph: Arc<Graph>,
    /// Dense ↔ original ids (`[[workload.events]]` name original ids).
    pub ids: Arc<IdMap>,
    /// What loading found: self-loops and duplicate edges dropped.
    pub stats: LoadStats,
    /// Whether the binary cache was used or written, for the notes.
    pub cache: CacheOutcome,
}

impl PartialEq for GraphFile {
    /// The same file loaded the same way (within a process, the same
    /// graph): what decides whether two jobs can share a world.
    fn eq(&self, other: &GraphFile) -> bool {
        self.path == other.path
            && self.options == other.options
            && Arc::ptr_eq(&self.graph, &other.graph)
    }
}

impl std::fmt::Debug for GraphFile {
    /// The file and the sizes; never the arrays (they can be gigabytes).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphFile")
            .field("path", &self.path)
            .field("options", &self.options)
            .field("stats", &self.stats)
            .finish()
    }
}

/// Graph files loaded so far in this process, by canonical path and
/// options.
static LOADED: Mutex<Vec<(PathBuf, LoadOptions, GraphFile)>> = Mutex::new(Vec::new());

/// Loads `path` as `options` say, or returns the copy this process already
/// loaded. The lock is held during the load, so two threads asking for the
/// same file load it once.
pub fn load_shared(path: &Path, options: &LoadOptions) -> Result<GraphFile, GraphFileError> {
    let canonical = std::fs::canonicalize(path).map_err(|source| GraphFileError::Io {
        path: path.display().to_string(),
        source,
    })?;
    // A panic elsewhere while the lock was held leaves a valid list.
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, _, g)) = loaded
        .iter()
        .find(|(p, o, _)| *p == canonical && o == options)
    {
        return Ok(g.clone());
    }
    let l = load_graph_file(path, options)?;
    let file = GraphFile {
        path: path.to_path_buf(),
        options: options.clone(),
        graph: Arc::new(l.graph),
        ids: Arc::new(l.ids),
        stats: l.stats,
        cache: l.cache,
    };
    loaded.push((canonical, options.clone(), file.clone()));
    Ok(file)
}
