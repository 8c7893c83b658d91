# Mistakes the module must refuse with a clear assertion message.
{ ... }:
{
  imports = [ ../../module.nix ];
  services.ccci = {
    enable = true;
    executor = "drone";
    ciDomain = "CI_Example";
    publicUrl = "ftp://ccci.example.org";
    forge = {
      baseUrl = "https://git.example.org/api/v1";
      repos = [ "not a repo" ];
    };
    # A secret copied into the world-readable store, and a relative path.
    forgeTokenFile = "/nix/store/00000000000000000000000000000000-forge-token";
    droneTokenFile = "drone-token";
    reportKeyFile = "/run/secrets/ccci/report-key";
    # A Matrix room without a token, named by its alias.
    digest.matrix = {
      homeserver = "https://matrix.example.org";
      roomId = "#ccci:example.org";
    };
  };
}
