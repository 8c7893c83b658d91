# Stand-ins for the NixOS options and packages nix/module.nix touches, so the module can be
# evaluated with nixpkgs' lib alone (no nixpkgs checkout, no NixOS). Loose types on purpose:
# the real NixOS options check these values; this checks the module's own options and logic.
{ lib }:
let
  inherit (lib) mkOption types;
  fakePkg = name: {
    type = "derivation";
    inherit name;
    outPath = "/nix/store/00000000000000000000000000000000-${name}";
  };
  script = name: text: fakePkg name // { inherit text; };
in
{
  pkgs = {
    nodejs_20 = fakePkg "nodejs-20";
    nodejs = fakePkg "nodejs";
    chromium = fakePkg "chromium";
    bash = fakePkg "bash";
    coreutils = fakePkg "coreutils";
    util-linux = fakePkg "util-linux";
    bubblewrap = fakePkg "bubblewrap";
    procps = fakePkg "procps";
    git = fakePkg "git";
    docker = fakePkg "docker";
    drone-runner-exec = fakePkg "drone-runner-exec";
    writeShellScript = script;
    writeShellScriptBin = script;
  };

  module =
    { ... }:
    {
      options = {
        assertions = mkOption {
          type = types.listOf types.unspecified;
          default = [ ];
        };
        warnings = mkOption {
          type = types.listOf types.str;
          default = [ ];
        };
        users.users = mkOption {
          type = types.attrsOf types.anything;
          default = { };
        };
        users.groups = mkOption {
          type = types.attrsOf types.anything;
          default = { };
        };
        systemd.services = mkOption {
          type = types.attrsOf types.anything;
          default = { };
        };
        systemd.timers = mkOption {
          type = types.attrsOf types.anything;
          default = { };
        };
        systemd.tmpfiles.rules = mkOption {
          type = types.listOf types.str;
          default = [ ];
        };
        environment.systemPackages = mkOption {
          type = types.listOf types.package;
          default = [ ];
        };
        virtualisation.docker.enable = mkOption {
          type = types.bool;
          default = false;
        };
        networking.hostName = mkOption {
          type = types.str;
          default = "nixos";
        };
        # sops-nix's shape, reduced: each secret's path defaults to /run/secrets/<name>.
        sops.defaultSopsFile = mkOption {
          type = types.anything;
          default = null;
        };
        sops.secrets = mkOption {
          type = types.attrsOf (
            types.submodule (
              { name, ... }:
              {
                options = {
                  path = mkOption {
                    type = types.str;
                    default = "/run/secrets/${name}";
                  };
                  owner = mkOption {
                    type = types.str;
                    default = "root";
                  };
                  mode = mkOption {
                    type = types.str;
                    default = "0400";
                  };
                  restartUnits = mkOption {
                    type = types.listOf types.str;
                    default = [ ];
                  };
                };
              }
            )
          );
          default = { };
        };
      };
    };
}
