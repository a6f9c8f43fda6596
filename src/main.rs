//! Thin entry point: parse flags, run the command, map errors to exit codes
//! (0 success, 2 bad input, 1 resource exhaustion or other failure, 130
//! interrupted; a closed standard output ends the run quietly with 0). The
//! error's kind decides the status: see [`fanout::error::FanoutError`].

use clap::Parser;
use clap::error::ErrorKind;
use fanout::cli::Cli;
use fanout::commands::dispatch;

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                std::process::exit(0);
            }
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                let _ = e.print();
                std::process::exit(2);
            }
            // clap's message spans several lines (error, usage, tip); the
            // contract is one line naming the flag, the value and what is
            // allowed, so keep the error part and fold it.
            let text = e.to_string();
            let head = text.split("\n\nUsage:").next().unwrap_or(&text);
            let line: Vec<&str> = head.split_whitespace().collect();
            let line = line.join(" ");
            let line = line.strip_prefix("error: ").unwrap_or(&line);
            eprintln!("fanout: {line} (see 'fanout --help')");
            std::process::exit(2);
        }
    };
    if let Err(e) = dispatch(cli) {
        if e.is_reported() {
            eprintln!("fanout: {}", e.one_line());
        }
        std::process::exit(e.exit_code());
    }
}
