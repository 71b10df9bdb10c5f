//! The `salesplan` binary: a command from the command line, or the app.

use clap::Parser;

fn main() {
    let cli = salesplan::cli::Cli::parse();
    if cli.command.is_some() {
        let code = salesplan::cli::run(&cli, &mut std::io::stdout(), &mut std::io::stderr());
        std::process::exit(code);
    }
    if let Some(message) = cli.start_error() {
        eprintln!("{message}");
        std::process::exit(2);
    }
    if let Err(e) = salesplan::ui::run(cli.plan().cloned()) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
