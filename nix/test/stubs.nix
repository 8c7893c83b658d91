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
  # An option of `type` that is `default` unless a module sets it.
  stub = type: default: mkOption { inherit type default; };
  anyAttrs = types.attrsOf types.anything;
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
        assertions = stub (types.listOf types.unspecified) [ ];
        warnings = stub (types.listOf types.str) [ ];
        users.users = stub anyAttrs { };
        users.groups = stub anyAttrs { };
        systemd.services = stub anyAttrs { };
        systemd.timers = stub anyAttrs { };
        systemd.tmpfiles.rules = stub (types.listOf types.str) [ ];
        environment.systemPackages = stub (types.listOf types.package) [ ];
        virtualisation.docker.enable = stub types.bool false;
        networking.hostName = stub types.str "nixos";
        # sops-nix's shape, reduced: each secret's path defaults to /run/secrets/<name>.
        sops.defaultSopsFile = stub types.anything null;
        sops.secrets = stub (types.attrsOf (
          types.submodule (
            { name, ... }:
            {
              options = {
                path = stub types.str "/run/secrets/${name}";
                owner = stub types.str "root";
                mode = stub types.str "0400";
                restartUnits = stub (types.listOf types.str) [ ];
              };
            }
          )
        )) { };
      };
    };
}
