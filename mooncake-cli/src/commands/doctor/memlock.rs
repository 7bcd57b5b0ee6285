//! The locked-memory limit (`ulimit -l`): RDMA registration pins memory, and a process may pin no more
//! than `RLIMIT_MEMLOCK` unless it holds `CAP_IPC_LOCK`.

use std::str::FromStr;

use mooncake_master::config::ByteSize;

/// A `RLIMIT_MEMLOCK` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Memlock {
    Unlimited,
    Bytes(u64),
}

impl FromStr for Memlock {
    type Err = String;

    /// `unlimited`, or a size (`64KiB`, `8GB`, bytes) as elsewhere on the command line.
    fn from_str(text: &str) -> Result<Self, String> {
        if text.trim().eq_ignore_ascii_case("unlimited") {
            return Ok(Self::Unlimited);
        }
        text.parse::<ByteSize>()
            .map(|size| Self::Bytes(size.bytes()))
            .map_err(|e| e.to_string())
    }
}

impl std::fmt::Display for Memlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unlimited => f.write_str("unlimited"),
            Self::Bytes(bytes) => write!(f, "{}", ByteSize(*bytes)),
        }
    }
}

/// This process's soft `RLIMIT_MEMLOCK`, or `None` when it cannot be read.
pub fn current() -> Option<Memlock> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one `rlimit` into the struct we own.
    if unsafe { libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut limit) } != 0 {
        return None;
    }
    Some(if limit.rlim_cur == libc::RLIM_INFINITY {
        Memlock::Unlimited
    } else {
        Memlock::Bytes(limit.rlim_cur)
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse_and_read() {
        assert_eq!("unlimited".parse::<Memlock>().unwrap(), Memlock::Unlimited);
        assert_eq!("64KiB".parse::<Memlock>().unwrap(), Memlock::Bytes(65536));
        assert!("lots".parse::<Memlock>().is_err());
        assert!(current().is_some());
    }
}
