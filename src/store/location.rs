//! Risky places for a plan file. SQLite's locking and its write-ahead log need a local disk: on
//! a network share two people can damage the file, and a sync client (Dropbox, OneDrive, 坚果云
//! …) may copy the file half-written or create conflicting copies. Such a location gets a
//! warning; the file still opens.

use std::path::{Path, PathBuf};

/// Why a location is risky.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Risk {
    /// On a network file system (`fs` is its type, e.g. `nfs4`, `cifs`).
    NetworkShare { fs: String },
    /// Inside a folder a sync client mirrors (`service` names it).
    SyncFolder { service: String },
}

impl Risk {
    pub fn message_key(&self) -> &'static str {
        match self {
            Risk::NetworkShare { .. } => "warn.location.network",
            Risk::SyncFolder { .. } => "warn.location.sync",
        }
    }

    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            Risk::NetworkShare { fs } => vec![("fs", fs.clone())],
            Risk::SyncFolder { service } => vec![("service", service.clone())],
        }
    }

    pub fn localize(&self, lang: crate::i18n::Lang) -> String {
        crate::i18n::trf(lang, self.message_key(), &self.message_args())
    }
}

/// Folder names sync clients use (compared without case), and the service they belong to.
const SYNC_FOLDERS: &[(&str, &str)] = &[
    ("dropbox", "Dropbox"),
    ("onedrive", "OneDrive"),
    ("google drive", "Google Drive"),
    ("googledrive", "Google Drive"),
    ("my drive", "Google Drive"),
    ("icloud drive", "iCloud Drive"),
    ("icloud~", "iCloud Drive"),
    ("mobile documents", "iCloud Drive"),
    ("cloudstorage", "a cloud storage provider"),
    ("box sync", "Box"),
    ("nextcloud", "Nextcloud"),
    ("owncloud", "ownCloud"),
    ("seafile", "Seafile"),
    ("synologydrive", "Synology Drive"),
    ("synology drive", "Synology Drive"),
    ("pcloud drive", "pCloud"),
    ("megasync", "MEGA"),
    ("mega", "MEGA"),
    ("nutstore", "坚果云"),
    ("我的坚果云", "坚果云"),
    ("坚果云", "坚果云"),
    ("baidunetdisk", "百度网盘"),
    ("百度网盘", "百度网盘"),
    ("同步空间", "百度网盘"),
    ("wps cloud files", "WPS 云文档"),
    ("wps网盘", "WPS 云文档"),
    ("aliyundrive", "阿里云盘"),
    ("阿里云盘", "阿里云盘"),
    ("tencent docs", "腾讯文档"),
    ("weiyun", "腾讯微云"),
    ("微云同步助手", "腾讯微云"),
];

/// Network file system types as `/proc/self/mountinfo` names them.
const NETWORK_FS: &[&str] = &[
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "afs",
    "9p",
    "ncpfs",
    "coda",
    "davfs",
    "fuse.sshfs",
    "fuse.rclone",
    "fuse.s3fs",
    "fuse.gvfsd-fuse",
    "fuse.davfs2",
    "glusterfs",
    "fuse.glusterfs",
    "ceph",
    "lustre",
];

/// The risk of keeping a plan file at `path`, if any.
pub fn risk(path: &Path) -> Option<Risk> {
    let full = absolute(path);
    if let Some(service) = sync_service(&full) {
        return Some(Risk::SyncFolder { service });
    }
    if let Some(fs) = network_fs(&full) {
        return Some(Risk::NetworkShare { fs });
    }
    None
}

fn absolute(path: &Path) -> PathBuf {
    path.canonicalize()
        .or_else(|_| {
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map(|p| {
                    p.canonicalize()
                        .map(|d| d.join(path.file_name().unwrap_or_default()))
                })
                .unwrap_or_else(|| std::env::current_dir().map(|d| d.join(path)))
        })
        .unwrap_or_else(|_| path.to_owned())
}

/// The sync service whose folder contains `path` (by the names of the folders above it).
pub fn sync_service(path: &Path) -> Option<String> {
    let folders: Vec<String> = path
        .parent()?
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_lowercase())
        .collect();
    folders.iter().find_map(|folder| {
        SYNC_FOLDERS.iter().find_map(|(name, service)| {
            let hit = folder == name
                || (folder.starts_with(name)
                    && folder[name.len()..].starts_with([' ', '-', '(', '（', '_']));
            hit.then(|| (*service).to_owned())
        })
    })
}

/// The network file system `path` lies on, if it is one: a UNC path on Windows, a network
/// mount (from `/proc/self/mountinfo`) on Linux.
pub fn network_fs(path: &Path) -> Option<String> {
    let text = path.to_string_lossy();
    if text.starts_with(r"\\") && !text.starts_with(r"\\?\") || text.starts_with(r"\\?\UNC\") {
        return Some("smb".to_owned());
    }
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    network_fs_in(&mountinfo, path)
}

/// The file system type of the mount holding `path` per `mountinfo`, if it is a network one.
pub fn network_fs_in(mountinfo: &str, path: &Path) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for line in mountinfo.lines() {
        // id parent major:minor root mount-point options [optional…] - fstype source super
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(dash) = fields.iter().position(|f| *f == "-") else {
            continue;
        };
        let (Some(mount), Some(fs)) = (fields.get(4), fields.get(dash + 1)) else {
            continue;
        };
        let mount = unescape(mount);
        if path.starts_with(&mount) {
            let depth = Path::new(&mount).components().count();
            if best.as_ref().is_none_or(|(d, _)| depth >= *d) {
                best = Some((depth, (*fs).to_owned()));
            }
        }
    }
    let (_, fs) = best?;
    NETWORK_FS.contains(&fs.as_str()).then_some(fs)
}

/// Mount points escape spaces and a few other bytes as `\040`-style octal.
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && i + 3 < bytes.len()
            && bytes[i + 1..i + 4]
                .iter()
                .all(|b| (b'0'..=b'7').contains(b))
        {
            let v = (bytes[i + 1] - b'0') as u32 * 64
                + (bytes[i + 2] - b'0') as u32 * 8
                + (bytes[i + 3] - b'0') as u32;
            out.push(v as u8);
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_folders_are_recognised_by_their_names() {
        for (path, service) in [
            ("/home/li/Dropbox/plans/2026.salesplan", "Dropbox"),
            ("/home/li/Dropbox (Yunfan)/2026.salesplan", "Dropbox"),
            (
                "/Users/li/OneDrive - 云帆软件/计划/2026.salesplan",
                "OneDrive",
            ),
            (
                "/Users/li/Library/Mobile Documents/com~apple~CloudDocs/p.salesplan",
                "iCloud Drive",
            ),
            ("/home/li/坚果云/p.salesplan", "坚果云"),
            ("/home/li/Nutstore Files/p.salesplan", "坚果云"),
            ("/home/li/BaiduNetdisk/p.salesplan", "百度网盘"),
        ] {
            assert_eq!(
                sync_service(Path::new(path)).as_deref(),
                Some(service),
                "{path}"
            );
        }
        for path in [
            "/home/li/Documents/plans/2026.salesplan",
            "/home/li/dropboxes-old/p.salesplan",
            "/home/li/Dropbox.salesplan",
        ] {
            assert_eq!(sync_service(Path::new(path)), None, "{path}");
        }
    }

    #[test]
    fn network_mounts_are_found_in_mountinfo() {
        let info = "\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /mnt/share rw,relatime shared:20 - cifs //fs/sales rw,vers=3.0
41 22 0:36 / /home/li/nfs\\040home rw - nfs4 srv:/home rw
42 40 8:2 / /mnt/share/local rw - ext4 /dev/sdb1 rw";
        let fs = |p: &str| network_fs_in(info, Path::new(p));
        assert_eq!(fs("/mnt/share/plan.salesplan").as_deref(), Some("cifs"));
        assert_eq!(fs("/home/li/nfs home/p.salesplan").as_deref(), Some("nfs4"));
        assert_eq!(fs("/mnt/share/local/p.salesplan"), None);
        assert_eq!(fs("/home/li/p.salesplan"), None);
        assert_eq!(
            network_fs(Path::new(r"\\fileserver\sales\plan.salesplan")).as_deref(),
            Some("smb")
        );
    }
}
