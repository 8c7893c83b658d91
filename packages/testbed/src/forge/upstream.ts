// The forges' own published API types, so that a response shape a real forge does not send
// fails the typecheck: GitHub's from its OpenAPI description (@octokit/openapi-types, generated
// from github/rest-api-description), Gitea's from its swagger (gitea-js, generated from
// templates/swagger/v1_json.tmpl). Types only: nothing of them runs.
import type { components } from '@octokit/openapi-types';
import type { Branch, Comment, CommitStatus, Issue, PullRequest, Repository, User } from 'gitea-js';

/** Every key optional, recursively: the fake sends a subset, never a key the forge lacks. */
type Subset<T> = T extends readonly (infer U)[]
  ? Subset<U>[]
  : T extends object
    ? { [K in keyof T]?: Subset<T[K]> }
    : T;

type GitHub = components['schemas'];
export type GitHubUser = Subset<GitHub['simple-user']>;
export type GitHubComment = Subset<GitHub['issue-comment']>;
export type GitHubIssue = Subset<GitHub['issue']>;
export type GitHubPull = Subset<GitHub['pull-request']>;
export type GitHubRepo = Subset<GitHub['repository']>;
export type GitHubStatus = Subset<GitHub['status']>;
/** "Get a branch" answers a branch-with-protection. */
export type GitHubBranch = Subset<GitHub['branch-with-protection']>;

export type GiteaUser = Subset<User>;
export type GiteaComment = Subset<Comment>;
export type GiteaIssue = Subset<Issue>;
export type GiteaPull = Subset<PullRequest>;
export type GiteaRepo = Subset<Repository>;
export type GiteaStatus = Subset<CommitStatus>;
export type GiteaBranch = Subset<Branch>;
