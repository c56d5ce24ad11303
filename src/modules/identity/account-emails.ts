/** A message about an account: the same shape the mailer sends. */
export interface EmailMessage {
  readonly to: string
  readonly subject: string
  readonly text: string
}

/**
 * The words of every message Trellis sends about an account. Plain text, with the link on a line of its own
 * so that mail clients do not break it; each says what to do if the person did not ask for it.
 */
export function verifyEmailMessage(to: string, link: string): EmailMessage {
  return {
    to,
    subject: 'Confirm your email address for Trellis',
    text: [
      'Confirm your email address to finish creating your Trellis account:',
      '',
      link,
      '',
      'The link works once and expires in 24 hours.',
      '',
      'If you did not create a Trellis account, you can ignore this email.',
    ].join('\n'),
  }
}

export function alreadyRegisteredMessage(to: string, signInLink: string, resetLink: string): EmailMessage {
  return {
    to,
    subject: 'You already have a Trellis account',
    text: [
      'Someone tried to create a Trellis account with this email address, but you already have one.',
      '',
      'Sign in:',
      signInLink,
      '',
      'Forgotten your password? Reset it:',
      resetLink,
      '',
      'If this was not you, you can ignore this email: nothing has changed.',
    ].join('\n'),
  }
}

export function signInLinkMessage(to: string, link: string): EmailMessage {
  return {
    to,
    subject: 'Your link to sign in to Trellis',
    text: [
      'Use this link to sign in to Trellis:',
      '',
      link,
      '',
      'The link works once and expires in 15 minutes.',
      '',
      'If you did not ask to sign in, you can ignore this email. Nobody can sign in without the link.',
    ].join('\n'),
  }
}

export function resetPasswordMessage(to: string, link: string): EmailMessage {
  return {
    to,
    subject: 'Reset your Trellis password',
    text: [
      'Use this link to choose a new password for Trellis:',
      '',
      link,
      '',
      'The link works once and expires in 1 hour.',
      '',
      'If you did not ask to reset your password, you can ignore this email: your password has not changed.',
    ].join('\n'),
  }
}

export function passwordChangedMessage(to: string): EmailMessage {
  return {
    to,
    subject: 'Your Trellis password has changed',
    text: [
      'The password for your Trellis account has just been changed, and you have been signed out on every other device.',
      '',
      'If you did not do this, reset your password straight away and contact the Trellis team.',
    ].join('\n'),
  }
}

export function confirmNewEmailMessage(to: string, link: string): EmailMessage {
  return {
    to,
    subject: 'Confirm your new email address for Trellis',
    text: [
      'Confirm this is the email address you want to use for Trellis:',
      '',
      link,
      '',
      'The link works once and expires in 24 hours. Until you confirm, your old address stays in use.',
      '',
      'If you did not ask for this, you can ignore this email.',
    ].join('\n'),
  }
}

export function emailChangeRequestedMessage(to: string, newEmail: string): EmailMessage {
  return {
    to,
    subject: 'A change of email address for your Trellis account',
    text: [
      `Someone signed in to your Trellis account asked to change its email address to ${newEmail}.`,
      '',
      'If this was you, confirm the change from the email we sent to the new address.',
      'If this was not you, sign in, change your password and contact the Trellis team.',
    ].join('\n'),
  }
}

export function invitationMessage(
  to: string,
  organisationName: string,
  roles: string,
  link: string,
): EmailMessage {
  return {
    to,
    subject: `You have been invited to join ${organisationName} on Trellis`,
    text: [
      `You have been invited to join ${organisationName} on Trellis as: ${roles}.`,
      '',
      'Accept the invitation (you can create an account or sign in first):',
      '',
      link,
      '',
      'The invitation expires in 7 days. If you were not expecting it, you can ignore this email.',
    ].join('\n'),
  }
}
