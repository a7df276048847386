//! The language server in a real editor: Debian's Neovim, headless, its built-in LSP
//! client attached to `redis-script lsp`, opens a script with a defect; the test reads
//! the diagnostics Neovim shows. `cargo xtask test` installs Neovim like the servers; where
//! it is missing this test fails and says how to install it.

use std::path::Path;
use std::process::Command;

/// The Neovim binary: `NVIM_BIN`, else `nvim` on `PATH`.
fn neovim() -> String {
    let binary = std::env::var("NVIM_BIN").unwrap_or_else(|_| "nvim".to_owned());
    let found = Command::new(&binary).arg("--version").output();
    assert!(
        found.is_ok_and(|output| output.status.success()),
        "Neovim is needed for this test: `apt-get install -y neovim` (cargo xtask test installs it), or set NVIM_BIN"
    );
    binary
}

#[test]
fn neovim_shows_the_diagnostics_of_a_script_with_a_defect() {
    let nvim = neovim();
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("neovim");
    let scripts = root.join("lua_scripts");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&scripts).unwrap();
    let script = scripts.join("read.lua");
    std::fs::write(
        &script,
        "--[[\n  Reads a value.\n  KEYS:\n    [1] key - the key to read\n  RETURNS: bulk\n--]]\nreturn redis.call('GETT', KEYS[1])\n",
    )
    .unwrap();
    let shown = root.join("shown.txt");
    // Neovim 0.7 (Debian 12): start_client and buf_attach_client; later ones have these too.
    let config = format!(
        r#"
local client = vim.lsp.start_client({{
  cmd = {{ {server:?}, "lsp" }},
  root_dir = {root:?},
}})
vim.cmd("edit " .. {script:?})
local buffer = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buffer, client)
local arrived = vim.wait(20000, function() return #vim.diagnostic.get(buffer) > 0 end, 50)
local lines = {{ arrived and "arrived" or "timed out" }}
for _, d in ipairs(vim.diagnostic.get(buffer)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or "?"
  table.insert(lines, string.format("%d:%d %s %s %s", d.lnum, d.col, d.severity, code, d.message:gsub("\n.*", "")))
end
vim.fn.writefile(lines, {shown:?})
vim.lsp.stop_client(client)
vim.cmd("qa!")
"#,
        server = env!("CARGO_BIN_EXE_redis-script"),
        root = scripts.display().to_string(),
        script = script.display().to_string(),
        shown = shown.display().to_string(),
    );
    let config_file = root.join("attach.lua");
    std::fs::write(&config_file, config).unwrap();
    let output = Command::new(nvim)
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!("luafile {}", config_file.display()))
        .current_dir(&root)
        .env("XDG_STATE_HOME", root.join("state"))
        .env("XDG_DATA_HOME", root.join("data"))
        .output()
        .expect("Neovim runs");
    let text = std::fs::read_to_string(&shown).unwrap_or_else(|e| {
        panic!(
            "Neovim wrote nothing ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "arrived",
            "6:18 1 unknown_command `GETT` is not a Redis 7.0.15 command"
        ],
        "what Neovim shows"
    );
}
