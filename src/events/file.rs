//! Files in a conversation (`docs/decisions.md` §12): `xmpp.chat.file` uploads through the
//! server's XEP-0363 service and sends the download URL as a chat message with a XEP-0066
//! `jabber:x:oob` link; `xmpp.chat.file.progress` and `xmpp.chat.file.cancel`; incoming
//! links as `oob: {url, desc?}`.
//!
//! The file's bytes never enter the core (nor wasm memory): the shell keeps the `Blob` (or
//! `Uint8Array`) under a handle and puts `{handle, size, name?, type?}` in its copy of the
//! payload in place of the file; the core asks the shell to PUT it (`proto::Transmit::Put`).

use serde::{Deserialize, Serialize};
use xmpp_parsers::oob::Oob;

use super::field::{Field, Truthy};
use super::{parse_jid, ClientError, Jid};
use crate::loose_struct;

/// Uploads a file and sends its link.
pub const FILE: &str = "xmpp.chat.file";
/// `{id, loaded, total}` while it uploads.
pub const PROGRESS: &str = "xmpp.chat.file.progress";
/// `{id}`: stops an upload.
pub const CANCEL: &str = "xmpp.chat.file.cancel";

/// `xmpp.chat.file {to, file, name?, contentType?, content?, id?, receipt?}`.
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ChatFileSend"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ChatFile {
    /// The recipient.
    #[cfg_attr(test, ts(as = "String"))]
    pub to: Field<String>,
    /// The file (the shell's handle for it, in the core).
    #[cfg_attr(test, ts(type = "Blob | Uint8Array"))]
    pub file: Field<FileRef>,
    /// The file name the service is told (default: the `File`'s name, else `file`).
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub name: Field<String>,
    /// Its media type (default: the `Blob`'s type, else `application/octet-stream`).
    #[serde(rename = "contentType")]
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub content_type: Field<String>,
    /// A description sent with the link (XEP-0066 `<desc/>`).
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub content: Field<String>,
    /// The id of the message that will carry the file (default: a new UUID).
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub id: Field<String>,
    /// XEP-0184: ask for a receipt of the message.
    #[cfg_attr(test, ts(optional, as = "Option<bool>"))]
    pub receipt: Field<Truthy>,
}

/// What the shell puts in place of the file: its handle, size, name and type.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FileRef {
    /// The shell's handle.
    pub handle: Field<f64>,
    /// Bytes.
    pub size: Field<f64>,
    /// A `File`'s name.
    pub name: Field<String>,
    /// A `Blob`'s media type.
    #[serde(rename = "type")]
    pub type_: Field<String>,
}
loose_struct!(FileRef);

/// `xmpp.chat.file.cancel {id}`.
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "FileCancelSend"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Cancel {
    /// The upload's message id.
    #[cfg_attr(test, ts(as = "String"))]
    pub id: Field<String>,
}

/// A validated `xmpp.chat.file`.
#[derive(Debug, Clone, PartialEq)]
pub struct FileOut {
    /// The recipient.
    pub to: Jid,
    /// The shell's handle for the bytes.
    pub handle: u32,
    /// Bytes.
    pub size: u64,
    /// The name given to the service.
    pub name: String,
    /// The media type.
    pub content_type: String,
    /// XEP-0066 `<desc/>`.
    pub desc: Option<String>,
    /// The message id chosen by the caller.
    pub id: Option<String>,
    /// XEP-0184 asked.
    pub receipt: bool,
}

/// The shell's handle in a payload, when it put one there (so that it can be released
/// whatever the validation says).
pub fn handle_of(p: &ChatFile) -> Option<u32> {
    match &p.file {
        Field::Given(f) => f.handle.given().map(|h| *h as u32),
        _ => None,
    }
}

/// Validates `xmpp.chat.file`: `to`, then `file`, then the optional keys.
pub fn validate(p: ChatFile) -> Result<FileOut, ClientError> {
    if p.to.is_absent() {
        return Err(ClientError::missing("to"));
    }
    let to =
        p.to.given()
            .and_then(|t| parse_jid(t))
            .ok_or_else(|| ClientError::invalid("to"))?;
    let file = match p.file {
        Field::Absent => return Err(ClientError::missing("file")),
        Field::Wrong => return Err(ClientError::invalid("file")),
        Field::Given(f) => f,
    };
    let (Some(handle), Some(size)) = (file.handle.given(), file.size.given()) else {
        return Err(ClientError::invalid("file"));
    };
    let text = |f: Field<String>, key: &str| f.read().map_err(|_| ClientError::invalid(key));
    let name = text(p.name, "name")?
        .or_else(|| file.name.given().cloned())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "file".into());
    let content_type = text(p.content_type, "contentType")?
        .or_else(|| file.type_.given().cloned())
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "application/octet-stream".into());
    let desc = text(p.content, "content")?.filter(|d| !d.is_empty());
    let id = text(p.id, "id")?;
    if id.as_ref().is_some_and(String::is_empty) {
        return Err(ClientError::invalid("id"));
    }
    Ok(FileOut {
        to,
        handle: *handle as u32,
        size: size.max(0.0) as u64,
        name,
        content_type,
        desc,
        id,
        receipt: p.receipt.truthy(),
    })
}

/// The id of `xmpp.chat.file.cancel`.
pub fn cancel_id(p: Cancel) -> Result<String, ClientError> {
    match p.id {
        Field::Absent => Err(ClientError::missing("id")),
        Field::Given(id) if !id.is_empty() => Ok(id),
        _ => Err(ClientError::invalid("id")),
    }
}

/// `xmpp.chat.file.progress {id, loaded, total}`.
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "FileProgress"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// The id of the message that will carry the file.
    pub id: String,
    /// Bytes sent so far (never decreases).
    pub loaded: u64,
    /// The file's size.
    pub total: u64,
}

/// `{id, url}`: the callback's answer once the file's message is handed over.
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "FileSent"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sent {
    /// The message id.
    pub id: String,
    /// Where the file can be downloaded.
    pub url: String,
}

/// XEP-0066 `oob: {url, desc?}` of a received message.
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "OobLink"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// An `http:` or `https:` URL.
    pub url: String,
    /// The sender's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desc: Option<String>,
}

/// Whether `url` is one the SDK hands over or fetches: `http:` or `https:` with a host
/// (`javascript:`, `data:`, `file:` and the rest stay text).
pub fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return false;
    };
    !rest.is_empty()
        && !rest.starts_with('/')
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A received XEP-0066 link, when its URL is `http(s):`.
pub fn link(oob: &Oob) -> Option<Link> {
    is_web_url(&oob.url).then(|| Link {
        url: oob.url.clone(),
        desc: oob.desc.clone().filter(|d| !d.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> ChatFile {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn validation_in_order_with_defaults() {
        let e = |j: &str| validate(read(j)).unwrap_err().description.into_owned();
        assert_eq!(e(r#"{}"#), "Missing 'to' key");
        assert_eq!(e(r#"{"to":"a@@b"}"#), "Invalid 'to' key");
        assert_eq!(e(r#"{"to":"bob@b"}"#), "Missing 'file' key");
        assert_eq!(e(r#"{"to":"bob@b","file":"x"}"#), "Invalid 'file' key");
        assert_eq!(e(r#"{"to":"bob@b","file":{}}"#), "Invalid 'file' key");
        let f = r#""file":{"handle":3,"size":10,"name":"cat.png","type":"image/png"}"#;
        assert_eq!(
            e(&format!(r#"{{"to":"bob@b",{f},"name":5}}"#)),
            "Invalid 'name' key"
        );
        assert_eq!(
            e(&format!(r#"{{"to":"bob@b",{f},"id":""}}"#)),
            "Invalid 'id' key"
        );
        let ok = validate(read(&format!(r#"{{"to":"bob@b",{f}}}"#))).unwrap();
        assert_eq!(
            (
                ok.handle,
                ok.size,
                ok.name.as_str(),
                ok.content_type.as_str()
            ),
            (3, 10, "cat.png", "image/png")
        );
        let bare = validate(read(r#"{"to":"bob@b","file":{"handle":1,"size":0}}"#)).unwrap();
        assert_eq!(
            (bare.name.as_str(), bare.content_type.as_str()),
            ("file", "application/octet-stream")
        );
        let given = validate(read(&format!(
            r#"{{"to":"bob@b",{f},"name":"a.txt","contentType":"text/plain","content":"hi","id":"m1"}}"#
        )))
        .unwrap();
        assert_eq!(given.name, "a.txt");
        assert_eq!(given.content_type, "text/plain");
        assert_eq!(given.desc.as_deref(), Some("hi"));
        assert_eq!(given.id.as_deref(), Some("m1"));
    }

    #[test]
    fn only_web_urls_are_links() {
        assert!(is_web_url("https://up.example/a/b.png"));
        assert!(is_web_url("HTTP://up.example"));
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "file:///etc/passwd",
            "https://",
            "https:///x",
            "https://a b",
            "ftp://x",
            "",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }
}
