//! What the Linux `/proc` file system says about this process. Every function returns `None`
//! where the information is not available (another OS, a restricted `/proc`), so callers expose
//! nothing rather than a wrong value.

#[cfg(target_os = "linux")]
// Only the start time is used without the `process` feature.
#[cfg_attr(not(feature = "process"), allow(dead_code))]
mod linux {
    use std::fs;

    /// Fields of `/proc/self/stat` after the command name, which may contain spaces and is
    /// closed by the last `)`. Index 0 is field 3 (`state`) of proc(5).
    fn stat_fields() -> Option<Vec<String>> {
        let stat = fs::read_to_string("/proc/self/stat").ok()?;
        let after_comm = &stat[stat.rfind(')')? + 1..];
        Some(after_comm.split_whitespace().map(str::to_owned).collect())
    }

    /// proc(5) field number `n` (1-based, as the manual numbers them) as a number.
    fn stat_field(fields: &[String], n: usize) -> Option<u64> {
        fields.get(n.checked_sub(3)?)?.parse().ok()
    }

    fn sysconf(name: libc::c_int) -> Option<u64> {
        // SAFETY: sysconf only reads a configuration value.
        let value = unsafe { libc::sysconf(name) };
        u64::try_from(value).ok().filter(|value| *value > 0)
    }

    fn clock_ticks_per_second() -> Option<u64> {
        sysconf(libc::_SC_CLK_TCK)
    }

    pub(crate) fn start_time_seconds() -> Option<f64> {
        let ticks = stat_field(&stat_fields()?, 22)?;
        let boot_time: u64 = fs::read_to_string("/proc/stat")
            .ok()?
            .lines()
            .find_map(|line| line.strip_prefix("btime "))?
            .trim()
            .parse()
            .ok()?;
        Some(boot_time as f64 + ticks as f64 / clock_ticks_per_second()? as f64)
    }

    pub(crate) fn cpu_seconds() -> Option<f64> {
        let fields = stat_fields()?;
        let ticks = stat_field(&fields, 14)? + stat_field(&fields, 15)?;
        Some(ticks as f64 / clock_ticks_per_second()? as f64)
    }

    pub(crate) fn virtual_memory_bytes() -> Option<f64> {
        Some(stat_field(&stat_fields()?, 23)? as f64)
    }

    pub(crate) fn resident_memory_bytes() -> Option<f64> {
        let pages = stat_field(&stat_fields()?, 24)?;
        Some((pages * sysconf(libc::_SC_PAGESIZE)?) as f64)
    }

    pub(crate) fn open_fds() -> Option<f64> {
        // The directory handle that reads the list is itself one of the entries; leave it out.
        let count = fs::read_dir("/proc/self/fd").ok()?.count();
        Some(count.saturating_sub(1) as f64)
    }

    pub(crate) fn max_fds() -> Option<f64> {
        let limits = fs::read_to_string("/proc/self/limits").ok()?;
        let line = limits
            .lines()
            .find(|line| line.starts_with("Max open files"))?;
        let soft = line["Max open files".len()..].split_whitespace().next()?;
        match soft {
            "unlimited" => Some(f64::INFINITY),
            number => number.parse::<u64>().ok().map(|n| n as f64),
        }
    }
}

#[cfg(target_os = "linux")]
#[allow(unused_imports)] // The process metrics use the rest, behind their feature.
pub(crate) use linux::*;

#[cfg(not(target_os = "linux"))]
mod other {
    macro_rules! unavailable {
        ($($name:ident),*) => {$(
            #[allow(dead_code)]
            pub(crate) fn $name() -> Option<f64> {
                None
            }
        )*};
    }
    unavailable!(
        start_time_seconds,
        cpu_seconds,
        virtual_memory_bytes,
        resident_memory_bytes,
        open_fds,
        max_fds
    );
}

#[cfg(not(target_os = "linux"))]
pub(crate) use other::*;
