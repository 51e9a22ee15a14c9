//! The faults the client itself answers with a stream error: [`PeerMisbehaved`], the server
//! sent something RFC 6120 forbids; the client sends a stream error (§4.9.3) and ends the
//! stream. What the application gets of every fault is `events::Error`
//! (`docs/decisions.md` §3).

use crate::stanza::FrameError;
use xmpp_parsers::stream_error::{DefinedCondition, StreamError};

/// The server broke the protocol (RFC 6120 §4.9.3 conditions the client sends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerMisbehaved {
    /// Not well-formed XML (§4.9.3.13).
    NotWellFormed,
    /// XML that XMPP forbids: DTD, comments, processing instructions (§4.9.3.18).
    RestrictedXml,
    /// Over a size or depth limit (§4.9.3.14).
    PolicyViolation,
    /// Well-formed but out of place in the negotiation (§4.9.3.11).
    InvalidXml,
    /// The stream header's version is not 1.0 (§4.9.3.25).
    UnsupportedVersion,
    /// A top-level element the framing does not allow (§4.9.3.24).
    UnsupportedStanzaType,
    /// A feature the client needs is missing (resource binding, §4.9.3.23).
    UnsupportedFeature,
    /// An impossible XEP-0198 acknowledgement or another fault with no better name (§4.9.3.21).
    UndefinedCondition,
    /// The client lost track of its own state (§4.9.3.10).
    InternalServerError,
}

impl PeerMisbehaved {
    /// The condition's name, as `streamError` in `xmpp.error` (RFC 6120 §4.9.3).
    pub fn name(self) -> &'static str {
        match self {
            PeerMisbehaved::NotWellFormed => "not-well-formed",
            PeerMisbehaved::RestrictedXml => "restricted-xml",
            PeerMisbehaved::PolicyViolation => "policy-violation",
            PeerMisbehaved::InvalidXml => "invalid-xml",
            PeerMisbehaved::UnsupportedVersion => "unsupported-version",
            PeerMisbehaved::UnsupportedStanzaType => "unsupported-stanza-type",
            PeerMisbehaved::UnsupportedFeature => "unsupported-feature",
            PeerMisbehaved::UndefinedCondition => "undefined-condition",
            PeerMisbehaved::InternalServerError => "internal-server-error",
        }
    }

    /// What the application is told (`xmpp.error`): the session ended, with the condition
    /// the client sent as `streamError` (`docs/decisions.md` §2).
    pub fn payload(self) -> crate::events::ConnectionError {
        crate::events::ConnectionError::Disconnected {
            stream_error: Some(DefinedCondition::from(self)),
            close_code: None,
        }
    }

    /// The stream error the client sends for it.
    pub fn stream_error(self) -> StreamError {
        StreamError {
            condition: DefinedCondition::from(self),
            texts: Default::default(),
            application_specific: Vec::new(),
        }
    }
}

impl From<PeerMisbehaved> for DefinedCondition {
    fn from(p: PeerMisbehaved) -> DefinedCondition {
        match p {
            PeerMisbehaved::NotWellFormed => DefinedCondition::NotWellFormed,
            PeerMisbehaved::RestrictedXml => DefinedCondition::RestrictedXml,
            PeerMisbehaved::PolicyViolation => DefinedCondition::PolicyViolation,
            PeerMisbehaved::InvalidXml => DefinedCondition::InvalidXml,
            PeerMisbehaved::UnsupportedVersion => DefinedCondition::UnsupportedVersion,
            PeerMisbehaved::UnsupportedStanzaType => DefinedCondition::UnsupportedStanzaType,
            PeerMisbehaved::UnsupportedFeature => DefinedCondition::UnsupportedFeature,
            PeerMisbehaved::UndefinedCondition => DefinedCondition::UndefinedCondition,
            PeerMisbehaved::InternalServerError => DefinedCondition::InternalServerError,
        }
    }
}

impl From<FrameError> for PeerMisbehaved {
    fn from(e: FrameError) -> PeerMisbehaved {
        match e {
            FrameError::TooBig | FrameError::TooDeep => PeerMisbehaved::PolicyViolation,
            FrameError::NotWellFormed => PeerMisbehaved::NotWellFormed,
            FrameError::Restricted => PeerMisbehaved::RestrictedXml,
        }
    }
}

/// The name of a received stream error's condition (RFC 6120 §4.9.3), its element name.
pub fn condition_name(c: &DefinedCondition) -> String {
    crate::stanza::element_name(c.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stanza;

    #[test]
    fn each_fault_has_its_wire_condition() {
        for p in [
            PeerMisbehaved::NotWellFormed,
            PeerMisbehaved::RestrictedXml,
            PeerMisbehaved::PolicyViolation,
            PeerMisbehaved::InvalidXml,
            PeerMisbehaved::UnsupportedVersion,
            PeerMisbehaved::UnsupportedStanzaType,
            PeerMisbehaved::UnsupportedFeature,
            PeerMisbehaved::UndefinedCondition,
            PeerMisbehaved::InternalServerError,
        ] {
            assert_eq!(condition_name(&DefinedCondition::from(p)), p.name());
            let frame = stanza::write(p.stream_error());
            let back =
                StreamError::try_from(stanza::parse_frame(&frame, 1 << 16).unwrap()).unwrap();
            assert_eq!(back.condition, DefinedCondition::from(p));
        }
        let e = crate::events::Error::from(PeerMisbehaved::RestrictedXml.payload());
        assert_eq!(
            serde_json::to_value(e).unwrap()["streamError"],
            "restricted-xml"
        );
        assert_eq!(
            PeerMisbehaved::from(FrameError::TooDeep),
            PeerMisbehaved::PolicyViolation
        );
    }
}
