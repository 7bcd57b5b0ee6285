//! Shell completions and man pages, generated from the one clap definition ([`crate::cli::Cli`]).
//! The files committed under `completions/` and `man/` come from here; a test regenerates them and
//! fails when they are stale (`MOONCAKE_REGENERATE=1 cargo test -p mooncake-cli --test generated`
//! rewrites them).

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// The completion script for `shell`.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "mooncake", &mut out);
    out
}

/// The file each shell loads its completions from, as packaged conventionally.
pub fn completion_file_name(shell: Shell) -> String {
    match shell {
        Shell::Bash => "mooncake.bash".into(),
        Shell::Zsh => "_mooncake".into(),
        Shell::Fish => "mooncake.fish".into(),
        Shell::Elvish => "mooncake.elv".into(),
        Shell::PowerShell => "_mooncake.ps1".into(),
        other => format!("mooncake.{other}"),
    }
}

/// Every completion file: `(file name, contents)`.
pub fn completion_files() -> Vec<(String, Vec<u8>)> {
    [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ]
    .into_iter()
    .map(|shell| (completion_file_name(shell), completion_script(shell)))
    .collect()
}

/// One man page per command and subcommand: `mooncake.1`, `mooncake-master.1`, ...
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut command = Cli::command();
    command.build();
    let mut pages = Vec::new();
    render(&command, "mooncake", &mut pages)?;
    Ok(pages)
}

fn render(command: &clap::Command, name: &str, pages: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
    let mut out = Vec::new();
    // The page names the command as it is typed (`mooncake-master` for `mooncake master`).
    let page = command
        .clone()
        .name(name.to_string())
        .bin_name(name.replace('-', " "));
    clap_mangen::Man::new(page).render(&mut out)?;
    pages.push((format!("{name}.1"), out));
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        render(sub, &format!("{name}-{}", sub.get_name()), pages)?;
    }
    Ok(())
}
