//! The faults the client itself answers with a stream error: [`PeerMisbehaved`], the server
//! sent something RFC 6120 forbids; the client sends a stream error (§4.9.3) and ends the
//! stream. What the application gets of every fault is `events::Error`
//! (`docs/decisions.md` §3).

use crate::stanza::FrameError;
use xmpp_parsers::minidom::Element;
use xmpp_parsers::ns;
use xmpp_parsers::stream_error::DefinedCondition;

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

    /// The stream error the client sends for it (RFC 6120 §4.9.2):
    /// `<stream:error><condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>`.
    pub fn stream_error(self) -> Element {
        Element::builder("error", ns::STREAM)
            .append(Element::builder(self.name(), ns::XMPP_STREAMS))
            .build()
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

/// The name of a stream error's condition (RFC 6120 §4.9.3), its element name: xmpp-parsers'
/// `Display` of it, which adds the host to `see-other-host`.
pub fn condition_name(c: &DefinedCondition) -> String {
    match c {
        DefinedCondition::SeeOtherHost(_) => "see-other-host".to_owned(),
        c => c.to_string(),
    }
}

/// The conditions of RFC 6120 §4.9.3 but `see-other-host`, which carries the host.
const CONDITIONS: [DefinedCondition; 24] = [
    DefinedCondition::BadFormat,
    DefinedCondition::BadNamespacePrefix,
    DefinedCondition::Conflict,
    DefinedCondition::ConnectionTimeout,
    DefinedCondition::HostGone,
    DefinedCondition::HostUnknown,
    DefinedCondition::ImproperAddressing,
    DefinedCondition::InternalServerError,
    DefinedCondition::InvalidFrom,
    DefinedCondition::InvalidNamespace,
    DefinedCondition::InvalidXml,
    DefinedCondition::NotAuthorized,
    DefinedCondition::NotWellFormed,
    DefinedCondition::PolicyViolation,
    DefinedCondition::RemoteConnectionFailed,
    DefinedCondition::Reset,
    DefinedCondition::ResourceConstraint,
    DefinedCondition::RestrictedXml,
    DefinedCondition::SystemShutdown,
    DefinedCondition::UndefinedCondition,
    DefinedCondition::UnsupportedEncoding,
    DefinedCondition::UnsupportedFeature,
    DefinedCondition::UnsupportedStanzaType,
    DefinedCondition::UnsupportedVersion,
];

/// The condition of a received `<stream:error/>` (RFC 6120 §4.9.2): its child in the
/// `urn:ietf:params:xml:ns:xmpp-streams` namespace that is not `<text/>`, by the names
/// xmpp-parsers gives the conditions; `undefined-condition` when there is none or it is not one
/// of §4.9.3's (§4.9.3.21). Read from the element, not with xmpp-parsers' `StreamError`: its
/// parser and writer were 7.7 KB of the gzipped wasm for an element that ends every session
/// at most once (`docs/decisions.md` §11).
pub fn read_stream_error(el: &Element) -> DefinedCondition {
    let Some(child) = el
        .children()
        .find(|c| c.ns() == ns::XMPP_STREAMS && c.name() != "text")
    else {
        return DefinedCondition::UndefinedCondition;
    };
    if child.name() == "see-other-host" {
        return DefinedCondition::SeeOtherHost(child.text());
    }
    CONDITIONS
        .into_iter()
        .find(|c| condition_name(c) == child.name())
        .unwrap_or(DefinedCondition::UndefinedCondition)
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
            let back = stanza::parse_frame(&frame, 1 << 16).unwrap();
            // what xmpp-parsers reads from it is the condition sent
            let typed = xmpp_parsers::stream_error::StreamError::try_from(back.clone()).unwrap();
            assert_eq!(typed.condition, DefinedCondition::from(p));
            assert_eq!(read_stream_error(&back), DefinedCondition::from(p));
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

    /// Every condition as xmpp-parsers writes it (with a text and an application condition
    /// beside it) is read back as itself; no condition child, or one RFC 6120 does not name, is
    /// `undefined-condition`.
    #[test]
    fn received_stream_errors_are_read_as_xmpp_parsers_writes_them() {
        use xmpp_parsers::stream_error::StreamError;
        let all = CONDITIONS
            .into_iter()
            .chain([DefinedCondition::SeeOtherHost("other.example".into())]);
        for condition in all {
            let frame = stanza::write(StreamError {
                condition: condition.clone(),
                texts: [("en".into(), "why".into())].into(),
                application_specific: vec![Element::builder("x", "urn:example").build()],
            });
            let el = stanza::parse_frame(&frame, 1 << 16).unwrap();
            assert_eq!(read_stream_error(&el), condition, "{frame}");
        }
        for frame in [
            "<stream:error xmlns:stream='http://etherx.jabber.org/streams'/>",
            "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>x</text></stream:error>",
            "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><made-up xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
            "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict xmlns='urn:example'/></stream:error>",
        ] {
            let el = stanza::parse_frame(frame, 1 << 16).unwrap();
            assert_eq!(read_stream_error(&el), DefinedCondition::UndefinedCondition);
        }
    }
}
