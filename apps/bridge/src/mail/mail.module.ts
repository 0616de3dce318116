import { Global, Module } from '@nestjs/common';
import { LinkMailer } from '@bridge/core';
import { NodemailerLinkMailer } from './nodemailer-link-mailer';

/** Binds the core LinkMailer port to SMTP (nodemailer). */
@Global()
@Module({
  providers: [NodemailerLinkMailer, { provide: LinkMailer, useExisting: NodemailerLinkMailer }],
  exports: [LinkMailer],
})
export class MailModule {}
