//! Who is asking, by address: the peer of the connection, or, behind a reverse proxy the
//! administrator named as trusted (`GANBO_TRUSTED_PROXIES`), the client that proxy saw.
//! `X-Forwarded-For` from anyone else is ignored: it is whatever the client wrote.

use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;

/// The setting naming the trusted proxies: addresses or networks, comma-separated
/// (`127.0.0.1, 10.0.0.0/8, ::1`).
pub const TRUSTED_PROXIES_ENV: &str = "GANBO_TRUSTED_PROXIES";

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    /// Parses `10.0.0.0/8, 127.0.0.1`; a bad entry is named in the error.
    pub fn parse(text: &str) -> Result<Self, String> {
        let nets = text
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| {
                t.parse::<IpNet>()
                    .or_else(|_| t.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{TRUSTED_PROXIES_ENV}: not an address or network: {t:?}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(nets.into()))
    }

    /// From `GANBO_TRUSTED_PROXIES`; none when it is not set.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var(TRUSTED_PROXIES_ENV) {
            Ok(v) => Self::parse(&v),
            Err(_) => Ok(Self::default()),
        }
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy; then the
    /// nearest address in `X-Forwarded-For` (read from the right) that is not one of the
    /// trusted proxies.
    pub fn client(&self, peer: Option<IpAddr>, forwarded_for: Option<&str>) -> Option<IpAddr> {
        let peer = peer?;
        if !self.trusts(peer) {
            return Some(peer);
        }
        let Some(chain) = forwarded_for else {
            return Some(peer);
        };
        let mut hops = chain.rsplit(',').map(str::trim);
        let mut last = peer;
        for hop in hops.by_ref() {
            let Ok(ip) = hop.parse::<IpAddr>() else {
                // A hop that is not an address: what is left of it is not to be believed.
                return Some(last);
            };
            if !self.trusts(ip) {
                return Some(ip);
            }
            last = ip;
        }
        Some(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.9"), Some("1.2.3.4")),
            ip("203.0.113.9")
        );
        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        // The proxy's client.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), Some("198.51.100.7")),
            ip("198.51.100.7")
        );
        // A client that wrote its own header before the proxy added the real address.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), Some("6.6.6.6, 198.51.100.7")),
            ip("198.51.100.7")
        );
        // Two trusted hops.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), Some("198.51.100.7, 10.1.2.3")),
            ip("198.51.100.7")
        );
        // Not from a proxy: the header is ignored.
        assert_eq!(
            proxies.client(ip("198.51.100.8"), Some("1.1.1.1")),
            ip("198.51.100.8")
        );
        // From the proxy without a header, or with garbage.
        assert_eq!(proxies.client(ip("127.0.0.1"), None), ip("127.0.0.1"));
        assert_eq!(
            proxies.client(ip("127.0.0.1"), Some("junk")),
            ip("127.0.0.1")
        );
        assert_eq!(proxies.client(None, Some("1.1.1.1")), None);
    }

    #[test]
    fn a_bad_setting_is_named() {
        assert!(TrustedProxies::parse("").unwrap().0.is_empty());
        let e = TrustedProxies::parse("10.0.0.0/8, proxy.local").unwrap_err();
        assert!(e.contains("proxy.local"), "{e}");
    }
}
