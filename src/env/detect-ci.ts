/** One CI provider and how to recognise it from the variables it sets in every job. */
interface CiProvider {
  name: string
  detect: (env: NodeJS.ProcessEnv) => boolean
}

const isSet = (value: string | undefined): boolean => value !== undefined && value !== ''

// Specific providers come before the generic `CI` check, and Woodpecker before Drone because
// older Woodpecker versions also set Drone's variables for compatibility.
const PROVIDERS: readonly CiProvider[] = [
  { name: 'GitHub Actions', detect: (env) => env.GITHUB_ACTIONS === 'true' },
  { name: 'GitLab CI', detect: (env) => isSet(env.GITLAB_CI) },
  { name: 'CircleCI', detect: (env) => isSet(env.CIRCLECI) },
  { name: 'Buildkite', detect: (env) => isSet(env.BUILDKITE) },
  { name: 'Jenkins', detect: (env) => isSet(env.JENKINS_URL) },
  { name: 'Azure Pipelines', detect: (env) => isSet(env.TF_BUILD) },
  { name: 'Travis CI', detect: (env) => isSet(env.TRAVIS) },
  { name: 'Bitbucket Pipelines', detect: (env) => isSet(env.BITBUCKET_BUILD_NUMBER) },
  { name: 'Woodpecker', detect: (env) => env.CI === 'woodpecker' },
  { name: 'Drone', detect: (env) => isSet(env.DRONE) },
  { name: 'AppVeyor', detect: (env) => isSet(env.APPVEYOR) },
  { name: 'TeamCity', detect: (env) => isSet(env.TEAMCITY_VERSION) },
  { name: 'AWS CodeBuild', detect: (env) => isSet(env.CODEBUILD_BUILD_ARN) },
  { name: 'Semaphore', detect: (env) => isSet(env.SEMAPHORE) },
]

/** Name used when `CI` is set but no known provider's variables are. */
export const GENERIC_CI_NAME = 'CI'

/**
 * The CI provider this process runs under, from the environment variables providers set in every
 * job; null when none is recognised. A `CI` variable alone (set by most providers and by users
 * who want CI behaviour) yields the generic name "CI", unless it is "false" or "0".
 */
export function detectCi(env: NodeJS.ProcessEnv): { name: string } | null {
  for (const provider of PROVIDERS) {
    if (provider.detect(env)) return { name: provider.name }
  }
  const ci = env.CI?.toLowerCase()
  if (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0') return { name: GENERIC_CI_NAME }
  return null
}

/**
 * The branch CI checked out, for jobs where git itself is on a detached HEAD (pull-request builds
 * on GitHub Actions, most GitLab and Buildkite jobs). Null when the variables do not say.
 */
export function ciBranch(env: NodeJS.ProcessEnv): string | null {
  const candidates = [
    env.GITHUB_HEAD_REF,
    env.GITHUB_REF_TYPE === 'branch' ? env.GITHUB_REF_NAME : undefined,
    env.CI_COMMIT_BRANCH,
    env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME,
    env.CIRCLE_BRANCH,
    env.BUILDKITE_BRANCH,
  ]
  return candidates.find(isSet) ?? null
}
