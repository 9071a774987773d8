//! `smtp:` of `site.yaml`, and sending digests through it with a record of what went, so that a
//! run stopped part-way resumes without sending anything twice.
//!
//! The password is read from the environment variable the settings name, never from a file of the
//! site, which is often kept in git.

use std::io::Write;
use std::path::{Path, PathBuf};

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};

/// `smtp:` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawSmtp {
    host: Option<String>,
    port: Option<u16>,
    tls: Option<TlsMode>,
    username: Option<String>,
    password_env: Option<String>,
    from: Option<String>,
}

/// How the connection is secured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain connection upgraded with STARTTLS, which must succeed (the default; port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Wrapper,
    /// No encryption: only for a server on this computer.
    None,
}

/// The mail server, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Smtp {
    /// Its host name.
    pub host: String,
    /// Its port: by default 587, or 465 with `tls: wrapper`.
    pub port: u16,
    /// How the connection is secured.
    pub tls: TlsMode,
    /// The login, if the server asks for one.
    pub username: Option<String>,
    /// The environment variable holding the password.
    pub password_env: Option<String>,
    /// The sender, like `Cohort <facilitator@school.example>`.
    pub from: Option<String>,
}

/// Checks `smtp:`; problems are reported at `span`.
pub fn resolve(raw: RawSmtp, span: Span, problems: &mut Diagnostics) -> Option<Smtp> {
    let mut bad = |message: String, help: &str| problems.push(Diagnostic::error(span.clone(), message).with_help(help));
    let host = raw.host.as_deref().map(str::trim).unwrap_or_default().to_string();
    if host.is_empty() {
        bad("smtp has no `host`".to_string(), "name your mail server, like `host: smtp.school.example`");
        return None;
    }
    let tls = raw.tls.unwrap_or_default();
    if tls == TlsMode::None && !is_local(&host) {
        bad(
            format!("smtp.tls `none` would send passwords and mail to {host} unencrypted"),
            "use `tls: starttls` (port 587) or `tls: wrapper` (port 465); `none` is only for a server on this computer",
        );
        return None;
    }
    if raw.username.is_some() != raw.password_env.is_some() {
        bad(
            "smtp needs both `username` and `password_env`, or neither".to_string(),
            "name the environment variable that holds the password, like `password_env: ROUNDTABLE_SMTP_PASSWORD`",
        );
        return None;
    }
    if let Some(from) = raw.from.as_deref().filter(|f| f.parse::<lettre::message::Mailbox>().is_err()) {
        bad(
            format!("smtp.from `{from}` is not an e-mail address"),
            "write it like `Cohort <facilitator@school.example>`",
        );
        return None;
    }
    let port = raw.port.unwrap_or(if tls == TlsMode::Wrapper { 465 } else { 587 });
    Some(Smtp { host, port, tls, username: raw.username, password_env: raw.password_env, from: raw.from })
}

fn is_local(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1")
}

/// The file in a digest folder that lists the mails already sent, one file name a line.
pub const RECORD: &str = "sent.txt";

/// What was sent before, from the record in `folder`.
pub fn already_sent(folder: &Path) -> Vec<String> {
    std::fs::read_to_string(folder.join(RECORD)).map(|t| t.lines().map(str::to_string).collect()).unwrap_or_default()
}

/// Sends each `(file name, message)` not yet in the record, recording each as soon as the server
/// takes it; stops at the first refusal. Returns the names sent now.
pub fn send(smtp: &Smtp, folder: &Path, mails: Vec<(String, Message)>) -> Result<Vec<String>, Diagnostics> {
    let settings = Span::file("site.yaml");
    let password = match &smtp.password_env {
        Some(variable) => match std::env::var(variable) {
            Ok(password) => Some(password),
            Err(_) => {
                return Err(Diagnostic::error(settings, format!("the environment variable {variable} is not set"))
                    .with_help(format!("set it to the mail password before sending, like `export {variable}=...`"))
                    .into())
            }
        },
        None => None,
    };
    let transport = transport(smtp, password).map_err(|e| server_error(smtp, &e.to_string(), &[]))?;
    let done = already_sent(folder);
    let record_path: PathBuf = folder.join(RECORD);
    let mut sent = Vec::new();
    for (name, message) in mails.into_iter().filter(|(name, _)| !done.contains(name)) {
        if let Err(error) = transport.send(&message) {
            return Err(server_error(smtp, &error.to_string(), &sent));
        }
        record(&record_path, &name).map_err(|e| {
            Diagnostics::from(
                Diagnostic::error(Span::file(&record_path), format!("{name} was sent but could not be recorded: {e}"))
                    .with_help("add its name to this file by hand before sending again, or it is sent twice"),
            )
        })?;
        sent.push(name);
    }
    Ok(sent)
}

fn transport(smtp: &Smtp, password: Option<String>) -> Result<SmtpTransport, lettre::transport::smtp::Error> {
    let parameters = || TlsParameters::new(smtp.host.clone());
    let tls = match smtp.tls {
        TlsMode::Starttls => Tls::Required(parameters()?),
        TlsMode::Wrapper => Tls::Wrapper(parameters()?),
        TlsMode::None => Tls::None,
    };
    let mut builder = SmtpTransport::builder_dangerous(&smtp.host)
        .port(smtp.port)
        .tls(tls)
        .timeout(Some(std::time::Duration::from_secs(30)));
    if let (Some(user), Some(password)) = (&smtp.username, password) {
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    Ok(builder.build())
}

/// Appends one name to the record and makes sure it is on disk before the next mail goes.
fn record(path: &Path, name: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    writeln!(file, "{name}")?;
    file.sync_all()
}

fn server_error(smtp: &Smtp, answer: &str, sent: &[String]) -> Diagnostics {
    let so_far =
        if sent.is_empty() { "nothing was sent".to_string() } else { format!("{} sent before it", sent.len()) };
    Diagnostic::error(
        Span::file("site.yaml"),
        format!("the mail server {}:{} refused: {answer} ({so_far})", smtp.host, smtp.port),
    )
    .with_help(format!(
        "check `smtp:` in site.yaml and the password, then run the same command again: what was sent is listed in {RECORD} and is not sent twice"
    ))
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> (Option<Smtp>, usize) {
        let raw: RawSmtp = serde_yaml::from_str(yaml).unwrap();
        let mut problems = Diagnostics::new();
        let smtp = resolve(raw, Span::file("site.yaml"), &mut problems);
        (smtp, problems.error_count())
    }

    #[test]
    fn ports_follow_the_kind_of_tls() {
        assert_eq!(read("host: smtp.example.org").0.unwrap().port, 587);
        assert_eq!(read("host: smtp.example.org\ntls: wrapper").0.unwrap().port, 465);
        assert_eq!(read("host: localhost\ntls: none\nport: 2525").0.unwrap().port, 2525);
    }

    #[test]
    fn unsafe_or_incomplete_settings_are_refused() {
        for bad in [
            "host: smtp.example.org\ntls: none",
            "host: smtp.example.org\nusername: fay",
            "host: smtp.example.org\npassword_env: PASSWORD",
            "host: smtp.example.org\nfrom: not an address",
            "port: 25",
        ] {
            assert_eq!(read(bad), (None, 1), "{bad}");
        }
    }
}
