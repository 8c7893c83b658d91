# Mistakes the module must refuse with a clear assertion message (nix/check/evaluate.mjs lists
# the messages). No virtualisation.docker.enable: the module needs Docker.
{ ... }:
{
  imports = [ ../../module.nix ];
  services.ccci = {
    enable = true;
    # Drone without drone.url, drone.repo or a runner's rpcHost and rpcSecretFile.
    executor = "drone";
    ciDomain = "CI_Example"; # not a lower-case DNS name
    publicUrl = "ftp://ccci.example.org"; # not an http(s) URL
    # Neither org nor allowlist, and a repository that is not owner/name.
    forge.baseUrl = "https://git.example.org/api/v1";
    forge.repos = [ "not a repo" ];
    # A secret copied into the world-readable store, and a relative path.
    forgeTokenFile = "/nix/store/00000000000000000000000000000000-forge-token";
    droneTokenFile = "drone-token";
    reportKeyFile = "/run/secrets/ccci/report-key"; # read by nothing: a warning
    # A Matrix room without a token, named by its alias.
    digest.matrix = {
      homeserver = "https://matrix.example.org";
      roomId = "#ccci:example.org";
    };
  };
}
