//! Password protection of exported plan files (packages and submissions) that travel by e-mail.
//!
//! The file's bytes are encrypted with XChaCha20-Poly1305 (authenticated: a changed byte or a
//! wrong password is detected, never decrypted into garbage) under a key derived from the
//! password by Argon2id (64 MiB, 3 passes), with a random salt and nonce per file. The wrapper
//! is a small JSON object; its header (format, version, key-derivation parameters) is
//! authenticated along with the content, so it cannot be altered either.
//!
//! ```json
//! {"format":"salesplan-protected","format_version":1,"kdf":"argon2id","memory_kib":65536,
//!  "passes":3,"lanes":1,"salt":"…hex…","cipher":"xchacha20poly1305","nonce":"…hex…",
//!  "data":"…hex…"}
//! ```

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload, rand_core::RngCore};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};

use crate::i18n::Localized;

/// What a protected file says it is.
pub const FORMAT: &str = "salesplan-protected";
pub const FORMAT_VERSION: u32 = 1;

/// The key derivation's cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cost {
    pub memory_kib: u32,
    pub passes: u32,
    pub lanes: u32,
}

impl Cost {
    /// What files are written with: Argon2id, 64 MiB, 3 passes, 1 lane.
    pub const DEFAULT: Cost = Cost {
        memory_kib: 64 * 1024,
        passes: 3,
        lanes: 1,
    };
    /// The most a file may ask for (a larger cost is refused rather than tried, so a hostile file
    /// cannot make opening it take gigabytes).
    const MAX: Cost = Cost {
        memory_kib: 256 * 1024,
        passes: 10,
        lanes: 8,
    };
}

/// Why a protected file could not be written or opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum ProtectError {
    /// The password is empty (or only spaces).
    EmptyPassword,
    /// The password does not open the file, or the file was changed after it was written.
    WrongPassword,
    /// The file is not a protected plan file, or is damaged.
    Unreadable { detail: String },
    /// Written by a newer SalesPlan, or with parameters this version does not accept.
    Unsupported { detail: String },
}

impl Localized for ProtectError {
    fn message_key(&self) -> &'static str {
        match self {
            Self::EmptyPassword => "protect.err.empty",
            Self::WrongPassword => "protect.err.wrong",
            Self::Unreadable { .. } => "protect.err.unreadable",
            Self::Unsupported { .. } => "protect.err.unsupported",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::EmptyPassword | Self::WrongPassword => Vec::new(),
            Self::Unreadable { detail } | Self::Unsupported { detail } => {
                vec![("detail", detail.clone())]
            }
        }
    }
}

impl std::fmt::Display for ProtectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.localize(crate::i18n::Lang::En))
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wrapper {
    format: String,
    format_version: u32,
    kdf: String,
    memory_kib: u32,
    passes: u32,
    lanes: u32,
    salt: String,
    cipher: String,
    nonce: String,
    data: String,
}

impl Wrapper {
    /// The authenticated header: everything but the salt, nonce and data (which the key and
    /// the cipher already bind).
    fn header(&self) -> Vec<u8> {
        format!(
            "{}|{}|{}|{}|{}|{}|{}",
            self.format,
            self.format_version,
            self.kdf,
            self.memory_kib,
            self.passes,
            self.lanes,
            self.cipher
        )
        .into_bytes()
    }
}

/// Whether `bytes` look like a protected plan file (by its declared format).
pub fn is_protected(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Head {
        format: Option<String>,
    }
    serde_json::from_slice::<Head>(crate::exchange::plan_file::without_bom(bytes))
        .ok()
        .and_then(|h| h.format)
        .as_deref()
        == Some(FORMAT)
}

fn key(password: &str, salt: &[u8], cost: Cost) -> Result<chacha20poly1305::Key, ProtectError> {
    let params =
        argon2::Params::new(cost.memory_kib, cost.passes, cost.lanes, Some(32)).map_err(|e| {
            ProtectError::Unsupported {
                detail: e.to_string(),
            }
        })?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = chacha20poly1305::Key::default();
    argon
        .hash_password_into(password.as_bytes(), salt, &mut key)
        .map_err(|e| ProtectError::Unsupported {
            detail: e.to_string(),
        })?;
    Ok(key)
}

/// Encrypts `plain` under `password` with the default cost.
pub fn protect(plain: &[u8], password: &str) -> Result<Vec<u8>, ProtectError> {
    protect_with(plain, password, Cost::DEFAULT)
}

/// [`protect`] with a chosen cost (tests use a small one).
pub fn protect_with(plain: &[u8], password: &str, cost: Cost) -> Result<Vec<u8>, ProtectError> {
    if password.trim().is_empty() {
        return Err(ProtectError::EmptyPassword);
    }
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let mut wrapper = Wrapper {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        kdf: "argon2id".to_owned(),
        memory_kib: cost.memory_kib,
        passes: cost.passes,
        lanes: cost.lanes,
        salt: to_hex(&salt),
        cipher: "xchacha20poly1305".to_owned(),
        nonce: to_hex(&nonce),
        data: String::new(),
    };
    let cipher = XChaCha20Poly1305::new(&key(password, &salt, cost)?);
    let header = wrapper.header();
    let data = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plain,
                aad: &header,
            },
        )
        .map_err(|_| ProtectError::Unreadable {
            detail: "encryption failed".to_owned(),
        })?;
    wrapper.data = to_hex(&data);
    let mut out = serde_json::to_vec_pretty(&wrapper).map_err(|e| ProtectError::Unreadable {
        detail: e.to_string(),
    })?;
    out.push(b'\n');
    Ok(out)
}

/// Decrypts a protected file with `password`.
pub fn unprotect(bytes: &[u8], password: &str) -> Result<Vec<u8>, ProtectError> {
    let unreadable = |detail: &str| ProtectError::Unreadable {
        detail: detail.to_owned(),
    };
    let bytes = crate::exchange::plan_file::without_bom(bytes);
    let wrapper: Wrapper = serde_json::from_slice(bytes).map_err(|e| ProtectError::Unreadable {
        detail: e.to_string(),
    })?;
    if wrapper.format != FORMAT {
        return Err(unreadable("it is not a protected SalesPlan file"));
    }
    if wrapper.format_version != FORMAT_VERSION {
        return Err(ProtectError::Unsupported {
            detail: format!("format version {}", wrapper.format_version),
        });
    }
    if wrapper.kdf != "argon2id" || wrapper.cipher != "xchacha20poly1305" {
        return Err(ProtectError::Unsupported {
            detail: format!("{} / {}", wrapper.kdf, wrapper.cipher),
        });
    }
    let cost = Cost {
        memory_kib: wrapper.memory_kib,
        passes: wrapper.passes,
        lanes: wrapper.lanes,
    };
    if cost.memory_kib > Cost::MAX.memory_kib
        || cost.passes > Cost::MAX.passes
        || cost.lanes > Cost::MAX.lanes
    {
        return Err(ProtectError::Unsupported {
            detail: format!(
                "key derivation cost {} KiB × {} passes × {} lanes",
                cost.memory_kib, cost.passes, cost.lanes
            ),
        });
    }
    if password.trim().is_empty() {
        return Err(ProtectError::EmptyPassword);
    }
    let salt = from_hex(&wrapper.salt).ok_or_else(|| unreadable("bad salt"))?;
    let nonce = from_hex(&wrapper.nonce).ok_or_else(|| unreadable("bad nonce"))?;
    let data = from_hex(&wrapper.data).ok_or_else(|| unreadable("bad data"))?;
    if salt.len() < 8 || nonce.len() != 24 {
        return Err(unreadable("bad salt or nonce"));
    }
    let cipher = XChaCha20Poly1305::new(&key(password, &salt, cost)?);
    cipher
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &data,
                aad: &wrapper.header(),
            },
        )
        .map_err(|_| ProtectError::WrongPassword)
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    let value = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    digits
        .chunks(2)
        .map(|pair| Some(value(pair[0])? << 4 | value(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: Cost = Cost {
        memory_kib: 64,
        passes: 1,
        lanes: 1,
    };

    #[test]
    fn round_trip_and_wrong_password() {
        let plain = "{\"format\":\"salesplan-plan-file\",\"name\":\"李娜\"}".as_bytes();
        let sealed = protect_with(plain, "云帆2026!", CHEAP).unwrap();
        assert!(is_protected(&sealed));
        assert!(!is_protected(plain));
        assert!(
            !String::from_utf8_lossy(&sealed).contains("李娜"),
            "the content is not readable"
        );
        assert_eq!(unprotect(&sealed, "云帆2026!").unwrap(), plain);
        assert_eq!(
            unprotect(&sealed, "云帆2026"),
            Err(ProtectError::WrongPassword)
        );
        assert_eq!(unprotect(&sealed, "  "), Err(ProtectError::EmptyPassword));
        assert_eq!(
            protect_with(plain, "", CHEAP),
            Err(ProtectError::EmptyPassword)
        );
        // Two files of the same content differ (salt and nonce are random).
        assert_ne!(protect_with(plain, "pw", CHEAP).unwrap(), sealed);
    }

    #[test]
    fn a_changed_byte_or_header_is_detected() {
        let sealed = protect_with(b"figures", "pw", CHEAP).unwrap();
        let text = String::from_utf8(sealed).unwrap();
        let mut w: Wrapper = serde_json::from_str(&text).unwrap();
        // Flip one bit of the data.
        let mut data = from_hex(&w.data).unwrap();
        data[0] ^= 1;
        let tampered = Wrapper {
            data: to_hex(&data),
            ..serde_json::from_str(&text).unwrap()
        };
        assert_eq!(
            unprotect(&serde_json::to_vec(&tampered).unwrap(), "pw"),
            Err(ProtectError::WrongPassword)
        );
        // Lower the stated cost: the header is authenticated (and the key differs).
        w.passes = 2;
        assert_eq!(
            unprotect(&serde_json::to_vec(&w).unwrap(), "pw"),
            Err(ProtectError::WrongPassword)
        );
        // An absurd cost is refused before any work is done.
        w.memory_kib = u32::MAX;
        assert!(matches!(
            unprotect(&serde_json::to_vec(&w).unwrap(), "pw"),
            Err(ProtectError::Unsupported { .. })
        ));
        // Unknown fields and newer versions are refused.
        let extra = text.replacen('{', "{\"script\":\"rm -rf\",", 1);
        assert!(matches!(
            unprotect(extra.as_bytes(), "pw"),
            Err(ProtectError::Unreadable { .. })
        ));
        let newer = text.replace("\"format_version\": 1", "\"format_version\": 2");
        assert!(matches!(
            unprotect(newer.as_bytes(), "pw"),
            Err(ProtectError::Unsupported { .. })
        ));
        assert!(matches!(
            unprotect(b"not json", "pw"),
            Err(ProtectError::Unreadable { .. })
        ));
    }

    #[test]
    fn hex_round_trips() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(from_hex(&to_hex(&bytes)).unwrap(), bytes);
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
    }
}
