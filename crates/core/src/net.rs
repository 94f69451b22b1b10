//! Who the client is when requests come through reverse proxies. `X-Forwarded-For` is a list
//! that anyone can start: each proxy appends the address it received the request from, so only
//! the hops added by proxies we run can be believed. The client is therefore the rightmost hop
//! that is not one of our proxies; everything left of it may be forged.

use crate::Invalid;
use std::net::IpAddr;
use std::str::FromStr;

/// The reverse proxies whose `X-Forwarded-For` entries are believed (addresses or CIDR ranges).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    pub fn none() -> TrustedProxies {
        TrustedProxies::default()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|(net, len)| same_prefix(*net, ip, *len))
    }

    /// The client's address: the peer itself unless the peer is a trusted proxy, then the
    /// rightmost forwarded hop that is not a trusted proxy. An unreadable hop ends the walk, so
    /// garbage cannot stand in for an address; the last believed hop is used instead.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let mut client = canonical(peer);
        if !self.contains(client) {
            return client;
        }
        for hop in forwarded_for
            .iter()
            .flat_map(|h| h.split(','))
            .rev()
            .map(str::trim)
        {
            match parse_hop(hop) {
                Some(ip) => {
                    client = ip;
                    if !self.contains(ip) {
                        break;
                    }
                }
                None => break,
            }
        }
        client
    }
}

impl FromStr for TrustedProxies {
    type Err = Invalid;

    /// A comma- or space-separated list such as `127.0.0.1, ::1, 10.0.0.0/8`.
    fn from_str(s: &str) -> Result<Self, Invalid> {
        let mut list = Vec::new();
        for part in s.split([',', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
            let bad = || {
                Invalid::new(
                    "trust_proxy",
                    format!(
                        "«{part}» bukan alamat IP atau rentang CIDR; tulis alamat proxy Anda, mis. 127.0.0.1 atau 10.0.0.0/8"
                    ),
                )
            };
            let (addr, len) = match part.split_once('/') {
                Some((a, l)) => (a, Some(l.parse::<u8>().map_err(|_| bad())?)),
                None => (part, None),
            };
            let ip = canonical(addr.parse::<IpAddr>().map_err(|_| bad())?);
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let len = len.unwrap_or(max);
            if len > max {
                return Err(bad());
            }
            list.push((ip, len));
        }
        Ok(TrustedProxies(list))
    }
}

/// The key that limits count against: the address for IPv4, its /64 for IPv6, since one
/// household or phone is given a whole /64 and can pick any address in it.
pub fn limit_key(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// IPv4 reached over an IPv6 socket (`::ffff:1.2.3.4`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// A hop as proxies write it: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` or `[2001:db8::1]:443`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    hop.parse::<std::net::SocketAddr>()
        .ok()
        .map(|s| canonical(s.ip()))
}

fn same_prefix(net: IpAddr, ip: IpAddr, len: u8) -> bool {
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            u32::from(n) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(i)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            u128::from(n) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::none();
        assert_eq!(
            none.client(ip("203.0.113.9"), &["1.1.1.1"]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_request_not_from_a_proxy_cannot_forge_its_address() {
        let proxies: TrustedProxies = "127.0.0.1".parse().unwrap();
        assert_eq!(
            proxies.client(ip("198.51.100.7"), &["10.9.9.9"]),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn the_client_is_the_rightmost_untrusted_hop() {
        let proxies: TrustedProxies = "127.0.0.1, 10.0.0.0/8".parse().unwrap();
        // The client put "6.6.6.6" in the header itself; nginx appended the real peer.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &["6.6.6.6, 198.51.100.7"]),
            ip("198.51.100.7")
        );
        // Two of our proxies in a row, and the header split over two lines.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &["6.6.6.6", "198.51.100.7, 10.1.2.3"]),
            ip("198.51.100.7")
        );
        // All hops are ours: the leftmost one is the best we know.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &["10.0.0.5"]),
            ip("10.0.0.5")
        );
        // Garbage stops the walk at the last believed hop.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &["6.6.6.6, bukan-ip, 10.0.0.5"]),
            ip("10.0.0.5")
        );
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &["[2001:db8::5]:443"]),
            ip("2001:db8::5")
        );
        assert_eq!(
            proxies.client(ip("::ffff:127.0.0.1"), &["198.51.100.7:80"]),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn lists_are_checked() {
        assert!("true".parse::<TrustedProxies>().is_err());
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert!("::1/129".parse::<TrustedProxies>().is_err());
        assert!("".parse::<TrustedProxies>().unwrap().is_empty());
        let p: TrustedProxies = "2001:db8::/32 192.168.1.1".parse().unwrap();
        assert!(p.contains(ip("2001:db8:ffff::1")));
        assert!(!p.contains(ip("2001:db9::1")));
        assert!(p.contains(ip("::ffff:192.168.1.1")));
        assert!(!p.contains(ip("192.168.1.2")));
        let all: TrustedProxies = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")));
    }

    #[test]
    fn ipv6_clients_are_limited_per_64() {
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(limit_key(ip("2001:db8:1:2:bbbb::9")), "2001:db8:1:2::/64");
        assert_eq!(limit_key(ip("203.0.113.9")), "203.0.113.9");
        assert_eq!(limit_key(ip("::ffff:203.0.113.9")), "203.0.113.9");
    }
}
