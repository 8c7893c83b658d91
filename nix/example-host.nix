# Example production host: Drone executor, secrets from sops-nix. Import it from the host's
# configuration together with sops-nix's module, e.g. in a flake:
#   modules = [ sops-nix.nixosModules.sops ./ccci/nix/example-host.nix ];
# Steps that Nix cannot do (swarm init, traefik, abra server add, Drone server) are in
# docs/install.md.
{ config, ... }:

let
  secret = name: config.sops.secrets.${name}.path;
in
{
  imports = [ ./module.nix ];

  virtualisation.docker.enable = true;

  # The bot's secrets live under /run/secrets/ccci/ (root-only; systemd hands them to the bot
  # as credentials). Values runs may meet and must mask go to /run/ccci-harness-secrets/,
  # e.g. sops.secrets."ccci-harness/registry" = { owner = "ccci";
  #        path = "/run/ccci-harness-secrets/registry"; };
  sops.defaultSopsFile = ./secrets.example.yaml;
  # restartUnits: a rotated secret reaches the service on the next switch (docs/secrets.md).
  sops.secrets."ccci/forge-token".restartUnits = [ "ccci-trigger-bot.service" ];
  sops.secrets."ccci/webhook-secret".restartUnits = [ "ccci-trigger-bot.service" ];
  sops.secrets."ccci/drone-token".restartUnits = [ "ccci-trigger-bot.service" ];
  sops.secrets."ccci/matrix-access-token".restartUnits = [ "ccci-trigger-bot.service" ];
  # Not restarted automatically: restarting the runner tears down the runs in progress.
  sops.secrets."ccci/drone-rpc-secret" = { };

  services.ccci = {
    enable = true;
    checkout = "/var/lib/ccci/src";
    ciDomain = "ci.example.org";
    publicUrl = "https://ccci.example.org";

    forge = {
      dialect = "gitea";
      baseUrl = "https://git.coopcloud.tech/api/v1";
      repos = [
        "coop-cloud/custom-html"
        "coop-cloud/keycloak"
      ];
      org = "coop-cloud";
      allowlist = [ ];
    };

    # The one load knob: Drone runner capacity here, Drone queues the rest.
    maxTests = 4;

    # keycloak says WARM_CANONICAL: a nightly default-branch run keeps keycloak-warm.ci.example.org
    # for the recipes that depend on it (lasuite-docs).
    warm.recipes = {
      keycloak = "main";
    };

    executor = "drone";
    drone = {
      url = "https://drone.example.org";
      # Required: the operator's own repository holding nix/drone-pipeline.yml as its .drone.yml
      # (docs/install.md, "Drone"); never one of forge.repos. Every build runs the tip of
      # `branch`; the pull request's head reaches the harness as the SHA build parameter.
      repo = "ccci/pipeline";
      branch = "main";
    };
    droneRunner = {
      rpcHost = "drone.example.org";
      rpcSecretFile = secret "ccci/drone-rpc-secret";
    };

    # Every enrolled recipe's default branch once a day (each at its own hour), one at a time;
    # the daily digest (regressed, improved, failing, outdated) also goes to a Matrix room.
    schedule.everyHours = 24;
    digest.matrix = {
      homeserver = "https://matrix.example.org";
      roomId = "!ccciDigestRoom:example.org";
      accessTokenFile = secret "ccci/matrix-access-token";
    };

    # A run whose report the harness had to spool (bot unreachable) still takes it within this
    # many hours; the ccci-resend timer resends it.
    lateReportHours = 24;

    forgeTokenFile = secret "ccci/forge-token";
    webhookSecretFile = secret "ccci/webhook-secret";
    droneTokenFile = secret "ccci/drone-token";

    abra.bin = "/var/lib/ccci/bin/abra";
  };
}
