//! A file's status as the render cache records it: size, modification and
//! change times and inode, enough to tell that the file changed since.

use std::fs;
use std::path::Path;

use super::text::{push_signed, push_unsigned};

/// What the file system says about a file: enough to tell that it changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Stamp {
    pub size: u64,
    /// Seconds and nanoseconds.
    pub mtime: (i64, u32),
    pub ctime: (i64, u32),
    pub inode: u64,
}

impl Stamp {
    /// The stamp of a regular file (not followed through a link); `None`
    /// for anything else or an error.
    pub fn of(path: &Path) -> Option<Stamp> {
        let metadata = fs::symlink_metadata(path).ok()?;
        metadata
            .file_type()
            .is_file()
            .then(|| Stamp::from(&metadata))
    }

    /// Appends the six numbers as the cache file stores them,
    /// space-separated.
    pub fn push_fields(&self, out: &mut Vec<u8>) {
        push_unsigned(out, self.size);
        for (seconds, nanos) in [self.mtime, self.ctime] {
            out.push(b' ');
            push_signed(out, seconds);
            out.push(b' ');
            push_unsigned(out, u64::from(nanos));
        }
        out.push(b' ');
        push_unsigned(out, self.inode);
    }

    /// The stamp from the six fields [`push_fields`](Self::push_fields)
    /// wrote.
    pub fn parse(fields: &[&str]) -> Option<Stamp> {
        let [size, ms, mn, cs, cn, inode] = fields else {
            return None;
        };
        Some(Stamp {
            size: size.parse().ok()?,
            mtime: (ms.parse().ok()?, mn.parse().ok()?),
            ctime: (cs.parse().ok()?, cn.parse().ok()?),
            inode: inode.parse().ok()?,
        })
    }
}

#[cfg(unix)]
impl From<&fs::Metadata> for Stamp {
    fn from(metadata: &fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt as _;
        let nanos = |n: i64| u32::try_from(n).unwrap_or(0);
        Stamp {
            size: metadata.size(),
            mtime: (metadata.mtime(), nanos(metadata.mtime_nsec())),
            ctime: (metadata.ctime(), nanos(metadata.ctime_nsec())),
            inode: metadata.ino(),
        }
    }
}

#[cfg(not(unix))]
impl From<&fs::Metadata> for Stamp {
    fn from(metadata: &fs::Metadata) -> Stamp {
        let since_epoch = |time: std::io::Result<std::time::SystemTime>| {
            time.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or((0, 0), |d| {
                    (i64::try_from(d.as_secs()).unwrap_or(0), d.subsec_nanos())
                })
        };
        Stamp {
            size: metadata.len(),
            mtime: since_epoch(metadata.modified()),
            ctime: since_epoch(metadata.created()),
            inode: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_round_trip_and_tell_files_from_folders() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("doc.md");
        fs::write(&file, "text\n").expect("write");
        let stamp = Stamp::of(&file).expect("a file has a stamp");
        assert_eq!(stamp.size, 5);
        let mut fields = Vec::new();
        stamp.push_fields(&mut fields);
        let fields = String::from_utf8(fields).expect("digits");
        assert_eq!(
            fields,
            format!(
                "{} {} {} {} {} {}",
                stamp.size, stamp.mtime.0, stamp.mtime.1, stamp.ctime.0, stamp.ctime.1, stamp.inode
            )
        );
        let parts: Vec<&str> = fields.split(' ').collect();
        assert_eq!(Stamp::parse(&parts), Some(stamp));
        assert_eq!(Stamp::parse(&parts[..5]), None);
        assert_eq!(Stamp::of(dir.path()), None, "folders have none");
        assert_eq!(Stamp::of(&dir.path().join("missing")), None);
    }
}
