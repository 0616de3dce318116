import { Body, Controller, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { EmailPaymentLink } from '@bridge/core';
import { IsEmail, IsOptional } from 'class-validator';
import { AdminTokenGuard } from '../admin-token.guard';

export class EmailPaymentLinkBody {
  /** Absent: the guest's address from the POS/PMS. */
  @IsOptional()
  @IsEmail()
  email?: string;
}

/** Sends the bill's payment link (and its QR) to the guest: the front desk's "send to my e-mail". */
@Controller('api/v1/bills')
@UseGuards(AdminTokenGuard)
export class FolioLinkController {
  constructor(private readonly emailLink: EmailPaymentLink) {}

  @Post(':id/payment-link/email')
  async email(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: EmailPaymentLinkBody) {
    const sent = await this.emailLink.execute({ billId: id, email: body.email });
    return {
      linkId: sent.link.id,
      paymentUrl: sent.link.paymentUrl,
      amount: sent.link.amount.minor,
      currency: sent.link.amount.currency,
      expiresAt: sent.link.expiresAt.toISOString(),
      sentTo: sent.to,
      messageId: sent.messageId,
    };
  }
}
