from django import forms
from django.utils.translation import gettext_lazy as _


class FindingExplanationForm(forms.Form):
    """What templates/checks/_report.html posts to explain a warning."""

    finding = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("说明理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("为什么这不是公开文件的错误，例如“35.00 元为银行手续费，由其他资金支付”。"),
    )
