# Evaluates nix/module.nix for one host file and returns what nix/check.mjs asserts on:
#   nix-instantiate --eval --strict --json nix/test/eval.nix \
#     --arg lib 'import /path/to/nixpkgs/lib' --arg host ./nix/example-host.nix
{
  lib,
  host,
}:
let
  stubs = import ./stubs.nix { inherit lib; };
  evaluated = lib.evalModules {
    modules = [
      stubs.module
      ../module.nix
      host
      { _module.args.pkgs = stubs.pkgs; }
    ];
  };
  inherit (evaluated) config;
  units = lib.filterAttrs (name: _: lib.hasPrefix "ccci-" name);
in
{
  failedAssertions = map (a: a.message) (lib.filter (a: !a.assertion) config.assertions);
  inherit (config) warnings;
  users = config.users.users;
  tmpfiles = config.systemd.tmpfiles.rules;
  services = units config.systemd.services;
  timers = units config.systemd.timers;
  wrappers = map (p: {
    inherit (p) name;
    text = p.text or "";
  }) config.environment.systemPackages;
}
